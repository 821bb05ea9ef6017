namespace Countersign.Tests.Infrastructure;

/// <summary>The repository the tests were built from, for tests that read its sources or run its project.</summary>
public static class Repository
{
    /// <summary>The folder holding Countersign.slnx, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Countersign.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run the tests from inside the repository.");
    }
}

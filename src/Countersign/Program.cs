using Countersign.Hosting;

return await Cli.RunAsync(args);

/// <summary>The entry point, public so tests can host the app with WebApplicationFactory.</summary>
public partial class Program;

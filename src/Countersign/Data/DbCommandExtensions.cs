using System.Data.Common;

namespace Countersign.Data;

/// <summary>The one helper the plain ADO.NET paths (intake rows, moderation, erasure) share.</summary>
public static class DbCommandExtensions
{
    public static DbParameter AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

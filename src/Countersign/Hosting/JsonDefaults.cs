using System.Text.Encodings.Web;
using System.Text.Json;

namespace Countersign.Hosting;

public static class JsonDefaults
{
    /// <summary>snake_case like most open-data APIs; non-ASCII names kept readable.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };
}

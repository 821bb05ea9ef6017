using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Countersign.Signing;

namespace Countersign.Tests.Infrastructure;

/// <summary>Fetches a challenge and solves it as the ALTCHA widget does; and spoils solutions for tampering tests.</summary>
public static class ProofOfWorkSolver
{
    public static async Task<string> FetchAndSolveAsync(HttpClient client, string challengePath)
    {
        var response = await client.GetAsync(challengePath);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return ProofOfWork.SolveLikeTheWidget(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The widget's payload with one part of it replaced, for tampering tests.</summary>
    public static string Tamper(string payload, Action<JsonObject> change)
    {
        var document = JsonNode.Parse(Convert.FromBase64String(payload))!.AsObject();
        change(document);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions())));
    }
}

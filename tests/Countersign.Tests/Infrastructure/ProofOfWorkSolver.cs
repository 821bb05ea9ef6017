using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Countersign.Signing;

namespace Countersign.Tests.Infrastructure;

/// <summary>Solves a challenge the way the ALTCHA widget's SHA-256 worker does, and builds the payload it posts.</summary>
public static class ProofOfWorkSolver
{
    public static async Task<string> FetchAndSolveAsync(HttpClient client, string challengePath)
    {
        var response = await client.GetAsync(challengePath);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return Solve(await response.Content.ReadAsStringAsync());
    }

    public static string Solve(string challengeJson)
    {
        var challenge = JsonNode.Parse(challengeJson)!.AsObject();
        var parameters = challenge["parameters"]!;
        var salt = Convert.FromHexString((string)parameters["salt"]!);
        var nonce = Convert.FromHexString((string)parameters["nonce"]!);
        var prefix = (string)parameters["keyPrefix"]!;
        for (uint counter = 0; counter < uint.MaxValue; counter++)
        {
            var key = Convert.ToHexStringLower(ProofOfWork.DeriveKey(salt, nonce, counter));
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var payload = new JsonObject
                {
                    ["challenge"] = new JsonObject { ["parameters"] = parameters.DeepClone(), ["signature"] = challenge["signature"]!.DeepClone() },
                    ["solution"] = new JsonObject { ["counter"] = counter, ["derivedKey"] = key, ["time"] = 12.3 },
                };
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString()));
            }
        }

        throw new InvalidOperationException("The challenge has no solution.");
    }

    /// <summary>The widget's payload with one part of it replaced, for tampering tests.</summary>
    public static string Tamper(string payload, Action<JsonObject> change)
    {
        var document = JsonNode.Parse(Convert.FromBase64String(payload))!.AsObject();
        change(document);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions())));
    }
}

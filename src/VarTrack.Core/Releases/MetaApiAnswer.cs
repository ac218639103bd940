using System.Text.Json;
using System.Text.Json.Nodes;

namespace VarTrack.Core.Releases;

/// <summary>An answer of the meta read API for any host: the HTTP status and the JSON body (<c>{error, message}</c> on errors).</summary>
public sealed record MetaApiAnswer(int StatusCode, JsonObject Body)
{
    public string ToJson() => Body.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static MetaApiAnswer Error(int statusCode, string error, string message) =>
        new(statusCode, new JsonObject { ["error"] = error, ["message"] = message });
}

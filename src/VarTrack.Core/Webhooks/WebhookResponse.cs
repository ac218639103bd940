using System.Text.Json;

namespace VarTrack.Core.Webhooks;

/// <summary>What a host sends back: the HTTP status code and the JSON body (serialise <see cref="Body"/> as is, or use
/// <see cref="ToJson"/>). <see cref="SyncIds"/> names the syncs this delivery started, or started earlier for a duplicate.</summary>
public sealed record WebhookResponse(int StatusCode, WebhookAnswer Body)
{
    public IReadOnlyList<string> SyncIds { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(Body);

    internal static WebhookResponse Refused(int statusCode, string error, string message) =>
        new(statusCode, new WebhookAnswer { Error = error, Message = message });

    internal static WebhookResponse Ignore(string reason) => new(200, new WebhookAnswer { Ignored = reason });
}

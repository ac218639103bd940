namespace VarTrack.Core.Webhooks;

/// <summary>
/// GitHub (and GitHub Enterprise Server): <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>,
/// <c>X-GitHub-Event</c> (push, pull_request, ping), <c>X-GitHub-Delivery</c>.
/// </summary>
internal sealed class GitHubWebhookPlatform : IWebhookPlatform
{
    // GitHub lists at most 2048 commits in a push payload.
    private const int CommitListLimit = 2048;
    private static readonly IReadOnlyList<string> SyncedActions = ["opened", "synchronize", "reopened"];

    public string Name => "github";

    public string SignatureHeader => "X-Hub-Signature-256";

    public string DeliveryHeader => "X-GitHub-Delivery";

    public SignatureCheck Verify(IncomingWebhook webhook, string secret) =>
        WebhookSignatures.HmacSha256(webhook.Header(SignatureHeader), "sha256=", secret, webhook.Body.Span);

    public string? DeliveryId(IncomingWebhook webhook) => webhook.Header("X-GitHub-Delivery");

    public WebhookEvent Parse(IncomingWebhook webhook, PayloadNode payload) => webhook.Header("X-GitHub-Event") switch
    {
        null => throw new MissingEventTypeException("X-GitHub-Event"),
        "ping" => WebhookEvent.Ping,
        "push" => GitHubStylePayload.Push(payload, CommitListLimit),
        "pull_request" => GitHubStylePayload.PullRequest(payload, SyncedActions),
        var other => WebhookEvent.Ignore($"github event '{other}' is not handled (handled: push, pull_request, ping)"),
    };
}

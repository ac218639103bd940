namespace VarTrack.Core.Webhooks;

/// <summary>
/// Gitea (and Forgejo): <c>X-Gitea-Signature: &lt;hex HMAC-SHA256 of the body&gt;</c> (no prefix),
/// <c>X-Gitea-Event</c> (push, pull_request; create and delete are left to the push event Gitea also sends),
/// <c>X-Gitea-Delivery</c>. Payloads follow GitHub's field names.
/// </summary>
internal sealed class GiteaWebhookPlatform : IWebhookPlatform
{
    private static readonly IReadOnlyList<string> SyncedActions = ["opened", "synchronized", "reopened"];

    public string Name => "gitea";

    public string SignatureHeader => "X-Gitea-Signature";

    public string DeliveryHeader => "X-Gitea-Delivery";

    public SignatureCheck Verify(IncomingWebhook webhook, string secret) =>
        WebhookSignatures.HmacSha256(webhook.Header(SignatureHeader), "", secret, webhook.Body.Span);

    public string? DeliveryId(IncomingWebhook webhook) => webhook.Header("X-Gitea-Delivery");

    // Gitea truncates the commit list itself and says so through total_commits, so no fixed limit applies here.
    public WebhookEvent Parse(IncomingWebhook webhook, PayloadNode payload) => webhook.Header("X-Gitea-Event") switch
    {
        null => throw new MissingEventTypeException("X-Gitea-Event"),
        "push" => GitHubStylePayload.Push(payload, commitListLimit: null),
        // Older Gitea versions name the synchronize event pull_request_sync.
        "pull_request" or "pull_request_sync" => GitHubStylePayload.PullRequest(payload, SyncedActions),
        "create" or "delete" => WebhookEvent.Ignore("gitea create and delete events are covered by the push event"),
        var other => WebhookEvent.Ignore($"gitea event '{other}' is not handled (handled: push, pull_request)"),
    };
}

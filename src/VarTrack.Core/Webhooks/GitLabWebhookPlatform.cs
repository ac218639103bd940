namespace VarTrack.Core.Webhooks;

/// <summary>
/// GitLab: <c>X-Gitlab-Token</c> carries the secret token itself (compared in constant time), <c>X-Gitlab-Event</c>
/// (Push Hook, Tag Push Hook, Merge Request Hook), <c>Idempotency-Key</c> (GitLab 17.4+, the same on retries) or else
/// <c>X-Gitlab-Event-UUID</c> as the delivery id.
/// </summary>
internal sealed class GitLabWebhookPlatform : IWebhookPlatform
{
    private static readonly IReadOnlyList<string> SyncedActions = ["open", "update", "reopen"];

    public string Name => "gitlab";

    public string SignatureHeader => "X-Gitlab-Token";

    public string DeliveryHeader => "Idempotency-Key or X-Gitlab-Event-UUID";

    public SignatureCheck Verify(IncomingWebhook webhook, string secret) =>
        WebhookSignatures.Token(webhook.Header(SignatureHeader), secret);

    public string? DeliveryId(IncomingWebhook webhook) => webhook.Header("Idempotency-Key") ?? webhook.Header("X-Gitlab-Event-UUID");

    public WebhookEvent Parse(IncomingWebhook webhook, PayloadNode payload) => webhook.Header("X-Gitlab-Event") switch
    {
        null => throw new MissingEventTypeException("X-Gitlab-Event"),
        "Push Hook" or "Tag Push Hook" => Push(payload),
        "Merge Request Hook" => MergeRequest(payload),
        var other => WebhookEvent.Ignore($"gitlab event '{other}' is not handled (handled: Push Hook, Tag Push Hook, Merge Request Hook)"),
    };

    private static WebhookEvent Push(PayloadNode payload)
    {
        var reference = payload.RequiredString("ref");
        var after = payload.Required("after");
        var repository = payload.RequiredString("project.path_with_namespace");
        var cloneUrl = payload.RequiredString("project.git_http_url");
        if (GitRefs.IsZero(after.String()))
            return WebhookEvent.Ignore($"{GitHubStylePayload.RefKind(reference)} '{GitRefs.ShortName(reference)}' was deleted");
        if (!GitRefs.IsBranchOrTag(reference))
            return WebhookEvent.Ignore($"ref '{reference}' is neither a branch nor a tag");

        // checkout_sha is the commit (for an annotated tag 'after' names the tag object).
        var commit = payload.Optional("checkout_sha") is { } checkout ? checkout.CommitId() : after.CommitId();
        // GitLab lists at most 20 commits and gives the real count in total_commits_count; see PushedFiles.
        var before = payload.OptionalString("before");
        var files = before is null || GitRefs.IsZero(before)
            ? null
            : PushedFiles.FromCommits(payload.Optional("commits"), payload.Optional("total_commits_count")?.WholeNumber(0));
        return WebhookEvent.Sync(new WebhookCommit(repository, cloneUrl, reference, commit, files) { Before = before });
    }

    /// <summary>A merge request at its last commit, under <c>refs/merge-requests/IID/head</c> of the target project.</summary>
    private static WebhookEvent MergeRequest(PayloadNode payload)
    {
        var action = payload.OptionalString("object_attributes.action");
        if (action is null || !SyncedActions.Contains(action, StringComparer.Ordinal))
            return WebhookEvent.Ignore($"merge request action '{action ?? "(none)"}' is not synced (synced: {string.Join(", ", SyncedActions)})");
        var iid = payload.Required("object_attributes.iid").WholeNumber(1);
        var commit = payload.Required("object_attributes.last_commit.id").CommitId();
        var repository = payload.RequiredString("project.path_with_namespace");
        var cloneUrl = payload.RequiredString("project.git_http_url");
        return WebhookEvent.Sync(new WebhookCommit(repository, cloneUrl, $"refs/merge-requests/{iid}/head", commit, null));
    }
}

namespace VarTrack.Core.Webhooks;

/// <summary>
/// Bitbucket Cloud: <c>X-Hub-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>, <c>X-Event-Key</c>
/// (repo:push, pullrequest:created, pullrequest:updated, diagnostics:ping), <c>X-Request-UUID</c> as the delivery id
/// (<c>X-Hook-UUID</c> names the webhook, not the delivery, so it cannot tell deliveries apart). Push payloads list
/// no files, so a sync from Bitbucket diffs against the commit it last applied. One push may move several refs:
/// each change becomes its own sync.
/// </summary>
internal sealed class BitbucketWebhookPlatform : IWebhookPlatform
{
    public string Name => "bitbucket";

    public string SignatureHeader => "X-Hub-Signature";

    public string DeliveryHeader => "X-Request-UUID";

    public SignatureCheck Verify(IncomingWebhook webhook, string secret) =>
        WebhookSignatures.HmacSha256(webhook.Header(SignatureHeader), "sha256=", secret, webhook.Body.Span);

    // X-Request-Id is Bitbucket Data Center's name for the same header.
    public string? DeliveryId(IncomingWebhook webhook) => webhook.Header("X-Request-UUID") ?? webhook.Header("X-Request-Id");

    public WebhookEvent Parse(IncomingWebhook webhook, PayloadNode payload) => webhook.Header("X-Event-Key") switch
    {
        null => throw new MissingEventTypeException("X-Event-Key"),
        "diagnostics:ping" => WebhookEvent.Ping,
        "repo:push" => Push(payload),
        "pullrequest:created" or "pullrequest:updated" => PullRequest(payload),
        var other => WebhookEvent.Ignore($"bitbucket event '{other}' is not handled (handled: repo:push, pullrequest:created, pullrequest:updated, diagnostics:ping)"),
    };

    private static WebhookEvent Push(PayloadNode payload)
    {
        var (repository, cloneUrl) = Repository(payload);
        var commits = new List<WebhookCommit>();
        var skipped = new List<string>();
        foreach (var change in payload.Required("push.changes").Items())
        {
            if (change.Optional("new") is not { } created)
            {
                // A deleted branch or tag: only 'old' is set.
                var old = change.Optional("old");
                skipped.Add(old is { } o ? $"{o.RequiredString("type")} '{o.RequiredString("name")}' was deleted" : "a change without a new ref");
                continue;
            }
            var type = created.RequiredString("type");
            var name = created.RequiredString("name");
            var prefix = type switch
            {
                "branch" => GitRefs.BranchPrefix,
                "tag" => GitRefs.TagPrefix,
                _ => null,
            };
            if (prefix is null || name.Length == 0)
            {
                skipped.Add($"ref type '{type}' is neither a branch nor a tag");
                continue;
            }
            // No 'old' is a new ref.
            var before = change.Optional("old") is { } previous ? previous.OptionalString("target.hash") : new string('0', 40);
            commits.Add(new WebhookCommit(repository, cloneUrl, prefix + name, created.Required("target.hash").CommitId(), null) { Before = before });
        }
        return commits.Count > 0 ? WebhookEvent.Sync(commits)
            : WebhookEvent.Ignore(skipped.Count > 0 ? string.Join("; ", skipped) : "the push lists no changes");
    }

    /// <summary>
    /// Bitbucket keeps no pull request refs a clone can fetch; the ref <c>refs/pull/ID/head</c> names the pull request
    /// for environment resolution (pr-ID) and the commit is the source commit.
    /// </summary>
    private static WebhookEvent PullRequest(PayloadNode payload)
    {
        var (repository, cloneUrl) = Repository(payload);
        var id = payload.Required("pullrequest.id").WholeNumber(1);
        var commit = payload.Required("pullrequest.source.commit.hash").CommitId();
        return WebhookEvent.Sync(new WebhookCommit(repository, cloneUrl, $"refs/pull/{id}/head", commit, null));
    }

    private static (string Repository, string CloneUrl) Repository(PayloadNode payload)
    {
        var repository = payload.RequiredString("repository.full_name");
        var html = payload.RequiredString("repository.links.html.href");
        return (repository, html.TrimEnd('/') + ".git");
    }
}

namespace VarTrack.Core.Webhooks;

/// <summary>The push and pull request payloads GitHub defined and Gitea copies (same field names).</summary>
internal static class GitHubStylePayload
{
    public static WebhookEvent Push(PayloadNode payload, int? commitListLimit)
    {
        var reference = payload.RequiredString("ref");
        var after = payload.Required("after");
        var repository = payload.RequiredString("repository.full_name");
        var cloneUrl = payload.RequiredString("repository.clone_url");
        if (payload.OptionalBoolean("deleted") == true || GitRefs.IsZero(after.String()))
            return WebhookEvent.Ignore($"{RefKind(reference)} '{GitRefs.ShortName(reference)}' was deleted");
        if (!GitRefs.IsBranchOrTag(reference))
            return WebhookEvent.Ignore($"ref '{reference}' is neither a branch nor a tag");

        var commit = after.CommitId();
        // For an annotated tag 'after' names the tag object; head_commit is the commit it points at.
        if (GitRefs.IsTag(reference) && payload.Optional("head_commit") is { } head)
            commit = head.Required("id").CommitId();

        // The per-commit lists describe the change since 'before' only for an ordinary fast-forward push: a new ref
        // or a forced push may have changed files no listed commit touched.
        var before = payload.OptionalString("before");
        var files = before is null || GitRefs.IsZero(before) || payload.OptionalBoolean("forced") == true
            ? null
            : PushedFiles.FromCommits(payload.Optional("commits"), payload.Optional("total_commits")?.WholeNumber(0), commitListLimit);
        return WebhookEvent.Sync(new WebhookCommit(repository, cloneUrl, reference, commit, files) { Before = before });
    }

    /// <summary>A pull request at its head commit, under the <c>refs/pull/N/head</c> ref the platform keeps in the base repository.</summary>
    public static WebhookEvent PullRequest(PayloadNode payload, IReadOnlyList<string> syncedActions)
    {
        var action = payload.RequiredString("action");
        if (!syncedActions.Contains(action, StringComparer.Ordinal))
            return WebhookEvent.Ignore($"pull request action '{action}' is not synced (synced: {string.Join(", ", syncedActions)})");
        var number = payload.Required("number").WholeNumber(1);
        var commit = payload.Required("pull_request.head.sha").CommitId();
        var repository = payload.RequiredString("pull_request.base.repo.full_name");
        var cloneUrl = payload.RequiredString("pull_request.base.repo.clone_url");
        return WebhookEvent.Sync(new WebhookCommit(repository, cloneUrl, $"refs/pull/{number}/head", commit, null));
    }

    public static string RefKind(string reference) => GitRefs.IsTag(reference) ? "tag" : "branch";
}

namespace VarTrack.Core.Webhooks;

/// <summary>What a platform made of a verified payload: a ping, something ignored (with the reason), or commits to sync.</summary>
internal sealed record WebhookEvent
{
    public static readonly WebhookEvent Ping = new() { IsPing = true };

    public bool IsPing { get; private init; }

    public string? IgnoredReason { get; private init; }

    public IReadOnlyList<WebhookCommit> Commits { get; private init; } = [];

    public static WebhookEvent Ignore(string reason) => new() { IgnoredReason = reason };

    public static WebhookEvent Sync(params IReadOnlyList<WebhookCommit> commits) => new() { Commits = commits };
}

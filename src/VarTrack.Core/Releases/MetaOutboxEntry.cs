namespace VarTrack.Core.Releases;

/// <summary>
/// State document <c>meta/outbox/&lt;delivery id&gt;</c>: one notification to one subscriber, kept until it is
/// delivered (or moved to <c>meta/failed/</c> after the last attempt), so a restart loses none. The body is stored as
/// sent, so every retry carries the same bytes and signature; the subscriber's secret is not stored.
/// </summary>
public sealed record MetaOutboxEntry(string DeliveryId, string Subscriber, string Body, DateTimeOffset CreatedAt)
{
    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public string? LastError { get; init; }

    /// <summary>When the last failed attempt was made (null before the first, and in records written before this was kept).</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When <see cref="MetaOutbox"/> last moved it back from <c>meta/failed/</c>; null if never.</summary>
    public DateTimeOffset? ReplayedAt { get; init; }
}

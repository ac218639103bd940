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
}

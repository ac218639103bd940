namespace VarTrack.Core.Releases;

/// <summary>
/// One notification as <c>vt meta notifications list</c> and <c>GET /api/meta/notifications</c> show it: what it is
/// about (read from its body), who it is for, how delivery went. <see cref="LastError"/> is masked
/// (<see cref="MetaDeliveryErrorMask"/>); the body itself is not shown.
/// </summary>
public sealed record MetaNotificationView(string DeliveryId, MetaNotificationState State, string Subscriber, int Attempts, DateTimeOffset CreatedAt)
{
    public string? Project { get; init; }

    public string? Channel { get; init; }

    public string? ReleaseId { get; init; }

    public string? PreviousReleaseId { get; init; }

    public string? LastError { get; init; }

    /// <summary>When the last attempt failed; null before the first attempt (and for records written before it was kept).</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>Pending only: when the notifier sends it next.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When it was last moved back from <c>meta/failed/</c> into the outbox; null if never.</summary>
    public DateTimeOffset? ReplayedAt { get; init; }
}

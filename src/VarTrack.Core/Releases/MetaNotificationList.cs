namespace VarTrack.Core.Releases;

/// <summary>The answer of <c>GET /api/meta/notifications</c> and of <c>vt meta notifications list -o json</c>.</summary>
public sealed record MetaNotificationList(IReadOnlyList<MetaNotificationView> Notifications)
{
    /// <summary>State keys of records that cannot be read (corrupt), skipped so the others still show.</summary>
    public IReadOnlyList<string> Unreadable { get; init; } = [];
}

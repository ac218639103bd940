namespace VarTrack.Core.Releases;

/// <summary>
/// Which failed notifications to replay: one <see cref="DeliveryId"/>, or every one (<see cref="All"/>), optionally only
/// those of one <see cref="Subscriber"/>. The body of <c>POST /api/meta/notifications/replay</c> and what
/// <c>vt meta notifications replay</c> builds from its arguments.
/// </summary>
public sealed record MetaReplayRequest(string? DeliveryId = null, bool All = false, string? Subscriber = null)
{
    /// <summary>Why the request is not usable, or null.</summary>
    public string? Problem() => (DeliveryId, All, Subscriber) switch
    {
        ({ Length: > 0 }, true, _) => "give a delivery id or 'all', not both",
        ({ Length: > 0 }, _, { }) => "'subscriber' selects among all failed notifications; it cannot be combined with a delivery id",
        (null or "", false, _) => "give a delivery id, or 'all' (optionally with 'subscriber')",
        (_, _, "") => "'subscriber' is empty",
        _ => null,
    };
}

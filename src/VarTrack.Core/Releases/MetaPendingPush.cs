namespace VarTrack.Core.Releases;

/// <summary>State document <c>meta/pushes/&lt;commit&gt;</c>: a push to the meta branch not yet turned into notifications.</summary>
public sealed record MetaPendingPush(string Commit, string DeliveryId, DateTimeOffset ReceivedAt);

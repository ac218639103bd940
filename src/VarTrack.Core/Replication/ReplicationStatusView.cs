namespace VarTrack.Core.Replication;

/// <summary>The body of <c>GET /api/vault/status</c> on every host, and what <c>vt vault status</c> prints: one entry per owner, origin first.</summary>
public sealed record ReplicationStatusView(IReadOnlyList<ReplicationStatus> Owners)
{
    public static ReplicationStatusView From(IReadOnlyList<ReplicationStatus> owners) =>
        new(owners.OrderByDescending(o => o.IsOrigin).ThenBy(o => o.Owner, StringComparer.Ordinal).ToList());
}

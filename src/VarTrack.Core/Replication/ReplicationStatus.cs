namespace VarTrack.Core.Replication;

/// <summary>
/// The replication status of one owner for <c>vt vault status</c> and the status API: its last cycle, its last cycle
/// that ended well, and what the last cycle left to do.
/// </summary>
public sealed record ReplicationStatus(string Owner, OwnerCycle Last)
{
    /// <summary>The last cycle that <see cref="OwnerCycle.Completed"/> (published or unchanged).</summary>
    public OwnerCycle? LastSucceeded { get; init; }

    public bool IsOrigin => Owner.StartsWith("origin-", StringComparison.Ordinal);

    /// <summary>Destination: origin paths applied as of the last cycle that ended well (paths less what it left pending).</summary>
    public int PathsInSync => LastSucceeded is { } good ? Math.Max(0, good.Paths - good.Pending) : 0;

    /// <summary>Destination: copies and deletes still to do after the last cycle.</summary>
    public int Pending => Last.Completed ? Last.Pending : Math.Max(Last.Pending, LastSucceeded?.Pending ?? 0);

    public IReadOnlyList<string> Errors => Last.Errors;

    /// <summary>The last cycle <see cref="OwnerCycle.EndedWell"/>.</summary>
    public bool InSync => Last.EndedWell;
}

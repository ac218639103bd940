namespace VarTrack.Core.Replication;

/// <summary>
/// The replication status of one owner for <c>vt vault status</c> and the status API: its last cycle, its last cycle
/// that ended well, and what the last cycle left to do.
/// </summary>
public sealed record ReplicationStatus(string Owner, OwnerCycle Last)
{
    /// <summary>The last cycle that ended <see cref="CycleOutcome.Published"/> or <see cref="CycleOutcome.Unchanged"/>.</summary>
    public OwnerCycle? LastSucceeded { get; init; }

    public bool IsOrigin => Owner.StartsWith("origin-", StringComparison.Ordinal);

    /// <summary>Destination: origin paths applied as of the last cycle that ended well (paths less what it left pending).</summary>
    public int PathsInSync => LastSucceeded is { } good ? Math.Max(0, good.Paths - good.Pending) : 0;

    /// <summary>Destination: copies and deletes still to do after the last cycle.</summary>
    public int Pending => Last.Outcome is CycleOutcome.Published or CycleOutcome.Unchanged ? Last.Pending : Math.Max(Last.Pending, LastSucceeded?.Pending ?? 0);

    public IReadOnlyList<string> Errors => Last.Errors;

    /// <summary>Nothing pending and the last cycle ended well.</summary>
    public bool InSync => Last.Outcome is CycleOutcome.Published or CycleOutcome.Unchanged && Last.Pending == 0 && Last.Errors.Count == 0;
}

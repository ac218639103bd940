namespace VarTrack.Core.State;

/// <summary>What one prune removed and what it kept on purpose (still queued or running, or referenced).</summary>
public sealed record PruneResult
{
    public int SyncsDeleted { get; init; }

    /// <summary>Sync records past a limit that were kept: queued, running, or referenced by a baseline, drift report or applied commit.</summary>
    public int SyncsKept { get; init; }

    public int DeliveriesDeleted { get; init; }

    /// <summary>Pre-write snapshots left behind by syncs that ended (a crash between plan and record).</summary>
    public int SnapshotsDeleted { get; init; }
}

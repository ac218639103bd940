namespace VarTrack.Core.Replication;

/// <summary>What a destination cycle does with one origin path.</summary>
internal enum PlannedAction
{
    /// <summary>Nothing to write; record the origin's insight (in sync, skipped by the transforms, or a delete left alone).</summary>
    Record,

    /// <summary>Copy the secret; on success record the origin's insight, else keep the old record (retried next cycle).</summary>
    Copy,

    /// <summary>Delete at the destination per its delete mode; on success record the origin's state, else keep the old record.</summary>
    Delete,

    /// <summary>Cannot be applied (a per-path error at planning); keep the old record so it is retried.</summary>
    Keep,
}

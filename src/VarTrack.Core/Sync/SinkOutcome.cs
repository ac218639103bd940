namespace VarTrack.Core.Sync;

/// <summary>What happened at one destination.</summary>
public enum SinkOutcome
{
    /// <summary>Changes were written.</summary>
    Applied,
    /// <summary>Nothing to do: zero writes.</summary>
    Unchanged,
    /// <summary>The destination already holds a newer commit; nothing written.</summary>
    SkippedOlderCommit,
    /// <summary>Not written because another destination failed before writes started.</summary>
    NotWritten,
    /// <summary>This destination failed (and was restored if anything had been written).</summary>
    Failed,
    /// <summary>Written, then restored to its snapshot because another destination failed.</summary>
    RolledBack,
    /// <summary>The restore itself failed: the destination may hold partial changes; see the error.</summary>
    RollbackFailed,
}

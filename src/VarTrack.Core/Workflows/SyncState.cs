namespace VarTrack.Core.Workflows;

public enum SyncState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    /// <summary>The host stopped before the sync finished; anything written was restored.</summary>
    Abandoned,
}

namespace VarTrack.Core.Replication;

/// <summary>Result of a copy or delete chunk: counts and masked per-path errors (the applied paths are staged for the publish).</summary>
public sealed record ReplicaChunkResult(int Applied, int Skipped, int Failed)
{
    public StepFailure? Failure { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];
}

namespace VarTrack.Core.Replication;

/// <summary>Result of a publish activity.</summary>
public sealed record SyncInfoPublished(string Generation)
{
    public StepFailure? Failure { get; init; }

    public int Paths { get; init; }
}

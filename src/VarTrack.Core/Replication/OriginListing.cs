namespace VarTrack.Core.Replication;

/// <summary>
/// Result of <c>vault-origin-list</c>: the generation this cycle stages under, the bucket groups to scan (the paths
/// themselves stay in the state store, so workflow history stays small) and the index it started from.
/// </summary>
public sealed record OriginListing(string Generation, IReadOnlyList<BucketGroup> Groups)
{
    public StepFailure? Failure { get; init; }

    public int Paths { get; init; }

    /// <summary>Tag of the index read at the start; the publish is conditional on it. Null: no index yet.</summary>
    public string? PreviousTag { get; init; }

    public string? PreviousGeneration { get; init; }
}

namespace VarTrack.Core.Replication;

/// <summary>Result of <c>vault-origin-scan</c>.</summary>
public sealed record OriginScan(IReadOnlyList<BucketScan> Buckets)
{
    public StepFailure? Failure { get; init; }

    /// <summary>Paths whose insight differs from the previous index (added, changed or removed).</summary>
    public int Changed { get; init; }

    /// <summary>Paths listed but gone when their metadata was read (deleted in between): simply not recorded.</summary>
    public int Gone { get; init; }
}

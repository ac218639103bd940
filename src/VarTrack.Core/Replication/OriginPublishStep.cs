namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-origin-publish</c>: every bucket of the new index.</summary>
public sealed record OriginPublishStep(string CycleId, string Generation, DateTimeOffset Created, IReadOnlyList<BucketScan> Buckets, DateTimeOffset Deadline)
{
    public string? PreviousTag { get; init; }
}

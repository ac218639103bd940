namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-origin-scan</c>: read the metadata of one group's paths and stage its changed bucket documents.</summary>
public sealed record OriginScanStep(string CycleId, string Generation, BucketGroup Group, DateTimeOffset Deadline)
{
    public string? PreviousTag { get; init; }
}

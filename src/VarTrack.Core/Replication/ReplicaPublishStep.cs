namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-destination-publish</c>: save what was applied as the destination's new sync info.</summary>
public sealed record ReplicaPublishStep(string CycleId, string Destination, string Generation, string OriginGeneration, DateTimeOffset Created, IReadOnlyList<int> ChangedBuckets, DateTimeOffset Deadline)
{
    public string? PreviousTag { get; init; }
}

namespace VarTrack.Core.Replication;

/// <summary>The plan for every path of one changed bucket, staged for the destination's publish.</summary>
internal sealed record PlannedBucket(int Bucket, IReadOnlyList<PlannedPath> Paths);

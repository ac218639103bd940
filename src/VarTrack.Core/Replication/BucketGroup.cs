namespace VarTrack.Core.Replication;

/// <summary>Buckets scanned by one <c>vault-origin-scan</c> activity (their paths are staged in the state store by the listing).</summary>
public sealed record BucketGroup(int Group, IReadOnlyList<int> Buckets, int Paths);

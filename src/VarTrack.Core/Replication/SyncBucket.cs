namespace VarTrack.Core.Replication;

/// <summary>
/// One bucket document of the sync info: the insight of every path whose bucket (<see cref="SyncInfoJson.BucketOf"/>)
/// is <see cref="Bucket"/>. Written as canonical JSON; its SHA-256 is the bucket's hash in the index. It carries no
/// generation, so an unchanged bucket keeps its hash from one cycle to the next.
/// </summary>
public sealed record SyncBucket(int Bucket, IReadOnlyDictionary<string, SecretInsight> Paths)
{
    public static SyncBucket Empty(int bucket) => new(bucket, new Dictionary<string, SecretInsight>(StringComparer.Ordinal));
}

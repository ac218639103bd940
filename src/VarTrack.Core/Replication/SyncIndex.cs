namespace VarTrack.Core.Replication;

/// <summary>
/// The index of one owner's sync info: one entry per bucket (hash, the generation holding its document, path count).
/// Published last, conditionally, after every bucket document it names was written, so a reader that reads the index
/// and then the documents it names never mixes two cycles. A destination's index also records the origin generation
/// it last caught up with (<see cref="SourceGeneration"/>).
/// </summary>
public sealed record SyncIndex(int BucketCount, string Generation, DateTimeOffset Created, IReadOnlyList<SyncIndexBucket> Buckets)
{
    public int SchemaVersion { get; init; } = SyncInfoJson.SchemaVersion;

    public string Algorithm { get; init; } = SyncInfoJson.Algorithm;

    /// <summary>Destinations only: the origin index generation this destination last caught up with.</summary>
    public string? SourceGeneration { get; init; }

    public int PathCount => Buckets.Sum(b => b.Paths);

    /// <summary>The entry of a bucket, or null when the index has none for it.</summary>
    public SyncIndexBucket? Bucket(int bucket) => Buckets.FirstOrDefault(b => b.Bucket == bucket);

    /// <summary>Every generation this index reads from (what a publish must keep).</summary>
    public IReadOnlySet<string> Generations => Buckets.Select(b => b.Generation).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when its buckets line up with <paramref name="bucketCount"/> buckets of this VarTrack's layout.</summary>
    public bool IsCompatible(int bucketCount) =>
        BucketCount == bucketCount && SchemaVersion == SyncInfoJson.SchemaVersion && Algorithm == SyncInfoJson.Algorithm
        && Buckets.Count == bucketCount && Buckets.Select(b => b.Bucket).Order().SequenceEqual(Enumerable.Range(0, bucketCount));
}

namespace VarTrack.Core.Replication;

/// <summary>
/// Where replication keeps its sync info (metadata only, never secret values), per owner (<c>origin-primary</c>,
/// <c>destination-eu</c>): immutable bucket documents grouped in generations, and one index per owner naming the
/// generation of each bucket. Readers read the index first and then exactly the bucket documents it names, so they never
/// mix the buckets of one cycle with the index of another; writers write buckets first and publish the index last,
/// conditionally on the index they read. Implemented by Azure Blob storage (<c>BlobSyncInfoStore</c>), Consul KV could
/// follow with the same layout, and any <see cref="State.IStateStore"/> (<see cref="StateSyncInfoStore"/>).
/// Layout (documented in the README): <c>&lt;owner&gt;/index.json</c>, <c>&lt;owner&gt;/generations/&lt;generation&gt;/bucket-&lt;nnnn&gt;.json</c>.
/// The store only moves bytes; Core writes canonical JSON into them.
/// </summary>
public interface ISyncInfoStore
{
    /// <summary>A short description for messages and status, e.g. <c>azure blob container vartrack-vault-sync</c>.</summary>
    string Description { get; }

    /// <summary>The owner's index and its version tag; null when the owner has never published one.</summary>
    Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes the owner's index: only if the current index still has <paramref name="expectedTag"/> (null: only if
    /// there is no index yet). Returns the new tag; throws <see cref="SyncInfoConflictException"/> when another writer
    /// published in between.
    /// </summary>
    Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default);

    /// <summary>A bucket document of a generation; null when it does not exist.</summary>
    Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default);

    /// <summary>Writes a bucket document of a generation that no published index names yet (so no reader can see it change).</summary>
    Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>The generations that hold bucket documents of the owner, in no particular order.</summary>
    Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Deletes every bucket document of a generation; no error when there is none.</summary>
    Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default);

    /// <summary>Deletes the owner's index; no error when there is none. Used by the access check on its probe owner.</summary>
    Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default);
}

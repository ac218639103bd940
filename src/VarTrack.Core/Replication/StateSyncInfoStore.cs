using VarTrack.Core.State;

namespace VarTrack.Core.Replication;

/// <summary>
/// Sync info in VarTrack's own state store (a local folder for the embedded default, memory in tests), under
/// <c>vault-sync/&lt;owner&gt;/...</c>. The tag is the SHA-256 of the index document (<see cref="SyncInfoJson.Hash"/>). The conditional publish is atomic
/// within this process only (a state store has no compare-and-swap); several instances share sync info through
/// <c>BlobSyncInfoStore</c>, whose publish is an ETag-conditional write.
/// </summary>
public sealed class StateSyncInfoStore(IStateStore state, string description = "the state store") : ISyncInfoStore
{
    private const string Root = "vault-sync";
    private readonly SemaphoreSlim _publish = new(1, 1);

    public string Description => description;

    public async Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default) =>
        await state.ReadAsync(IndexKey(owner), cancellationToken) is { } data ? new VersionedDocument(data, SyncInfoJson.Hash(data)) : null;

    public async Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default)
    {
        await _publish.WaitAsync(cancellationToken);
        try
        {
            var current = await state.ReadAsync(IndexKey(owner), cancellationToken);
            var currentTag = current is null ? null : SyncInfoJson.Hash(current);
            if (!string.Equals(currentTag, expectedTag, StringComparison.Ordinal)) throw new SyncInfoConflictException(owner, Description);
            await state.WriteAsync(IndexKey(owner), data, cancellationToken);
            return SyncInfoJson.Hash(data.Span);
        }
        finally
        {
            _publish.Release();
        }
    }

    public Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default) =>
        state.ReadAsync(BucketKey(owner, generation, bucket), cancellationToken);

    public Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        state.WriteAsync(BucketKey(owner, generation, bucket), data, cancellationToken);

    public async Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default)
    {
        SyncInfoLayout.RequireValidName(owner, "owner");
        var prefix = StateKey.Of(Root, owner, "generations") + "/";
        var keys = await state.ListAsync(StateKey.Of(Root, owner, "generations"), cancellationToken);
        return keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(key => StateKey.Unescape(key[prefix.Length..].Split('/')[0]))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public async Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default)
    {
        SyncInfoLayout.RequireValidName(owner, "owner");
        SyncInfoLayout.RequireValidName(generation, "generation");
        foreach (var key in await state.ListAsync(StateKey.Of(Root, owner, "generations", generation), cancellationToken))
            await state.DeleteAsync(key, cancellationToken);
    }

    public Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default) =>
        state.DeleteAsync(IndexKey(owner), cancellationToken);

    private static string IndexKey(string owner) => StateKey.Of(Root, SyncInfoLayout.RequireValidName(owner, "owner"), "index.json");

    private static string BucketKey(string owner, string generation, int bucket) =>
        StateKey.Of(Root, SyncInfoLayout.RequireValidName(owner, "owner"), "generations", SyncInfoLayout.RequireValidName(generation, "generation"), SyncInfoLayout.BucketName(bucket));

}

namespace VarTrack.Core.State;

/// <summary>
/// VarTrack's own small state (sync records, delivery ids, applied baselines, pre-write snapshots), as whole documents
/// under keys. Keys are '/'-separated segments built with <see cref="StateKey"/>. Implemented by a local folder (the
/// embedded default) and Azure Blob storage (several instances). Every write replaces atomically: a reader sees the
/// old or the new document, never a torn one.
/// </summary>
public interface IStateStore
{
    /// <summary>The document, or null when the key does not exist.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the document atomically.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Creates the document only if the key does not exist yet (atomically, across instances); false when it exists.</summary>
    Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Removes the document; no error when it does not exist.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every key under a prefix of whole segments (<c>"syncs"</c> lists <c>syncs/a</c>, <c>syncs/b/c</c>), ordered ordinally.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="ListAsync"/>, with each document's last write time where the store reports it in the same
    /// listing (no document is read); stores that cannot answer null times. Retention decides from these.
    /// </summary>
    async Task<IReadOnlyList<StateEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken = default) =>
        (await ListAsync(prefix, cancellationToken)).Select(key => new StateEntry(key, null)).ToList();
}

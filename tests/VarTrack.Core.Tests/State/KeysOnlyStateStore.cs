using VarTrack.Core.State;

namespace VarTrack.Core.Tests.State;

/// <summary>A store whose listings carry no write times (the interface's default <c>ListEntriesAsync</c>), as a store that cannot report them.</summary>
public sealed class KeysOnlyStateStore(IStateStore inner) : IStateStore
{
    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteAsync(key, data, cancellationToken);

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.TryCreateAsync(key, data, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
}

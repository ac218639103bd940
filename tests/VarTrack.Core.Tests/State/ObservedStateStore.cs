using System.Collections.Concurrent;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.State;

/// <summary>
/// A store that counts reads per top folder (<c>baselines</c>, <c>applied</c>, ...) and runs a hook right after a
/// listing returns, to make another writer act between a pruner's listing and what it does next.
/// </summary>
public sealed class ObservedStateStore(IStateStore inner) : IStateStore
{
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

    /// <summary>Runs once after the next listing of the folder it accepts (it returns false for other folders), then is cleared.</summary>
    public Func<string, Task<bool>>? AfterListing { get; set; }

    public int ReadsUnder(string folder) => _reads.GetValueOrDefault(folder);

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(key.Split('/')[0], 1, (_, n) => n + 1);
        return inner.ReadAsync(key, cancellationToken);
    }

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.WriteAsync(key, data, cancellationToken);

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.TryCreateAsync(key, data, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var keys = await inner.ListAsync(prefix, cancellationToken);
        await RunHookAsync(prefix);
        return keys;
    }

    public async Task<IReadOnlyList<StateEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var entries = await inner.ListEntriesAsync(prefix, cancellationToken);
        await RunHookAsync(prefix);
        return entries;
    }

    private async Task RunHookAsync(string prefix)
    {
        if (AfterListing is { } hook && await hook(prefix)) AfterListing = null;
    }
}

using System.Collections.Concurrent;

namespace VarTrack.Core.State;

/// <summary>State that lives as long as the process: the CLI's own syncs and tests. Write times come from the given clock.</summary>
public sealed class InMemoryStateStore(TimeProvider? time = null) : IStateStore
{
    private readonly ConcurrentDictionary<string, (byte[] Data, DateTimeOffset Modified)> _documents = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_documents.TryGetValue(Check(key), out var document) ? document.Data : null);

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        _documents[Check(key)] = (data.ToArray(), _time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Task.FromResult(_documents.TryAdd(Check(key), (data.ToArray(), _time.GetUtcNow())));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        _documents.TryRemove(Check(key), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> keys = Under(prefix).Select(d => d.Key).ToList();
        return Task.FromResult(keys);
    }

    public Task<IReadOnlyList<StateEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StateEntry> entries = Under(prefix).Select(d => new StateEntry(d.Key, d.Value.Modified)).ToList();
        return Task.FromResult(entries);
    }

    private IEnumerable<KeyValuePair<string, (byte[] Data, DateTimeOffset Modified)>> Under(string prefix)
    {
        var start = prefix.TrimEnd('/') + "/";
        return _documents.Where(d => d.Key.StartsWith(start, StringComparison.Ordinal)).OrderBy(d => d.Key, StringComparer.Ordinal);
    }

    private static string Check(string key) => StateKey.IsValid(key) ? key : throw new ArgumentException($"'{key}' is not a valid state key", nameof(key));
}

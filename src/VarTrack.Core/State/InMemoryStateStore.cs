using System.Collections.Concurrent;

namespace VarTrack.Core.State;

/// <summary>State that lives as long as the process: the CLI's own syncs and tests.</summary>
public sealed class InMemoryStateStore : IStateStore
{
    private readonly ConcurrentDictionary<string, byte[]> _documents = new(StringComparer.Ordinal);

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_documents.TryGetValue(Check(key), out var data) ? data : null);

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        _documents[Check(key)] = data.ToArray();
        return Task.CompletedTask;
    }

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Task.FromResult(_documents.TryAdd(Check(key), data.ToArray()));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        _documents.TryRemove(Check(key), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var start = prefix.TrimEnd('/') + "/";
        IReadOnlyList<string> keys = _documents.Keys.Where(k => k.StartsWith(start, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(keys);
    }

    private static string Check(string key) => StateKey.IsValid(key) ? key : throw new ArgumentException($"'{key}' is not a valid state key", nameof(key));
}

using System.Collections.Concurrent;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Keeps the last <c>capacity</c> ready results in memory, keyed on <see cref="MaterializationKey"/>; not-ready and
/// missing answers are never cached, so they change as soon as registrations do. Concurrent requests for one key
/// share one materialization (a hundred nodes polling at once render once). Ready results are cached as
/// <see cref="NodeArtifactCheck.Checked"/> returns them, so the artifact check runs once per cached snapshot.
/// </summary>
public sealed class CachedMaterializer(IMaterializer inner, int capacity = 16) : IMaterializer
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Materialization>>> _running = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, MaterializationReady Ready)> _ready = new();
    private readonly Lock _lock = new();

    public Task<string> VersionAsync(CancellationToken cancellationToken = default) => inner.VersionAsync(cancellationToken);

    public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var key = MaterializationKey.Of(await inner.VersionAsync(cancellationToken), snapshot);
        if (Ready(key) is { } ready) return ready;
        // Not bound to one caller's token: other callers may be waiting for the same work. Lazy, so the work starts
        // only after it is in the map, and its removal can never precede its insertion.
        Lazy<Task<Materialization>>? mine = null;
        mine = new Lazy<Task<Materialization>>(() => RunAsync(key, snapshot, mine!));
        return await _running.GetOrAdd(key, mine).Value.WaitAsync(cancellationToken);
    }

    private async Task<Materialization> RunAsync(string key, NodeSnapshot snapshot, Lazy<Task<Materialization>> self)
    {
        await Task.Yield();
        try
        {
            // A caller may have missed the ready list just before another run stored this key and reached the map
            // just after that run left it: the result is ready now (stored before the run left the map).
            if (Ready(key) is { } cached) return cached;
            var result = await inner.MaterializeAsync(snapshot, CancellationToken.None);
            if (result is MaterializationReady made)
            {
                // Checked once here, so every request served from the cache skips the check; a result that fails it
                // is never cached (each request tries again and fails with the problem).
                var ready = NodeArtifactCheck.Checked(made);
                result = ready;
                lock (_lock)
                {
                    _ready.AddFirst((key, ready));
                    while (_ready.Count > capacity) _ready.RemoveLast();
                }
            }
            return result;
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(key, self));
        }
    }

    /// <summary>The ready result for a key, moved to the front (most recently used); null when not cached.</summary>
    private MaterializationReady? Ready(string key)
    {
        lock (_lock)
        {
            for (var entry = _ready.First; entry is not null; entry = entry.Next)
                if (entry.Value.Key == key)
                {
                    _ready.Remove(entry);
                    _ready.AddFirst(entry);
                    return entry.Value.Ready;
                }
        }
        return null;
    }
}

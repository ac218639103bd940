using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// State in memory that throws what <see cref="Fault"/> returns for every operation on a key <see cref="Failing"/>
/// accepts (as the Blob and folder stores throw <see cref="StateStoreUnavailableException"/> in an outage).
/// </summary>
public sealed class FaultyStateStore : IStateStore
{
    private readonly InMemoryStateStore _inner = new();

    public Func<Exception>? Fault { get; set; }

    public Func<string, bool> Failing { get; set; } = _ => true;

    public int Faults { get; private set; }

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => Guard(key, () => _inner.ReadAsync(key, cancellationToken));

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Guard(key, async () => { await _inner.WriteAsync(key, data, cancellationToken); return true; });

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Guard(key, () => _inner.TryCreateAsync(key, data, cancellationToken));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        Guard(key, async () => { await _inner.DeleteAsync(key, cancellationToken); return true; });

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Guard(prefix, () => _inner.ListAsync(prefix, cancellationToken));

    private Task<T> Guard<T>(string key, Func<Task<T>> operation)
    {
        if (Fault is { } fault && Failing(key))
        {
            Faults++;
            return Task.FromException<T>(fault());
        }
        return operation();
    }
}

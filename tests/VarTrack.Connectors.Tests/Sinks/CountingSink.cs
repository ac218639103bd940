using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Wraps a real sink and counts calls, to check that a no-change sync reads once and writes nothing.</summary>
public sealed class CountingSink(ISink inner) : ISink
{
    public int Reads;
    public int Applies;
    public int Restores;

    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Reads);
        return inner.ReadAsync(target, cancellationToken);
    }

    public Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Applies);
        return inner.ApplyAsync(target, changes, provenance, cancellationToken);
    }

    public Task RestoreAsync(SinkTarget target, Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Restores);
        return inner.RestoreAsync(target, snapshot, cancellationToken);
    }
}

using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Wraps a real sink: applies the first half of a change set for real, then fails, as a store dying mid-batch would.</summary>
public sealed class HalfwayFailingSink(ISink inner) : ISink
{
    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default) => inner.ReadAsync(target, cancellationToken);

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var half = changes.Changes.Take(Math.Max(1, changes.Changes.Count / 2)).ToList();
        await inner.ApplyAsync(target, changes with { Changes = half }, provenance, cancellationToken);
        throw new IOException("injected failure after writing half the batch");
    }

    public Task RestoreAsync(SinkTarget target, Snapshot snapshot, CancellationToken cancellationToken = default) => inner.RestoreAsync(target, snapshot, cancellationToken);
}

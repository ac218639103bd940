using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Wraps a sink with scripted faults and a call log, to test the executor's ordering, rollback and masking.</summary>
public sealed class ScriptedSink(ISink inner, string name, List<string>? sharedLog = null) : ISink
{
    private int _active;

    public Func<Exception?> FailRead { get; set; } = () => null;
    public Func<ChangeSet, Exception?> FailApply { get; set; } = _ => null;
    public Func<Exception?> FailRestore { get; set; } = () => null;
    public Func<CancellationToken, Task> DuringApply { get; set; } = _ => Task.CompletedTask;
    /// <summary>The calls in order; pass one list to several sinks to see their interleaving.</summary>
    public List<string> Log { get; } = sharedLog ?? [];
    public int MaxConcurrentApplies { get; private set; }

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        lock (Log) Log.Add($"{name}:read");
        if (FailRead() is { } error) throw error;
        return await inner.ReadAsync(target, cancellationToken);
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        lock (Log) Log.Add($"{name}:apply {string.Join(",", changes.Changes.Select(c => $"{c.Kind.ToString().ToLowerInvariant()}:{c.Key}"))}");
        var active = Interlocked.Increment(ref _active);
        MaxConcurrentApplies = Math.Max(MaxConcurrentApplies, active);
        try
        {
            await DuringApply(cancellationToken);
            if (FailApply(changes) is { } error) throw error;
            await inner.ApplyAsync(target, changes, provenance, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public async Task RestoreAsync(SinkTarget target, Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        lock (Log) Log.Add($"{name}:restore");
        if (FailRestore() is { } error) throw error;
        await inner.RestoreAsync(target, snapshot, cancellationToken);
    }
}

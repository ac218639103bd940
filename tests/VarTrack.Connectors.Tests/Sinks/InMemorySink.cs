using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>
/// The simplest correct sink, used to test the executor and the contract suite themselves. Each apply copies the
/// destination and swaps it in whole (like a store with atomic batches); it does no locking of its own, so lost
/// updates would show if the executor's destination locks did not work.
/// </summary>
public sealed class InMemorySink : ISink
{
    private readonly Dictionary<string, (Dictionary<string, FlatValue> Values, Dictionary<string, Provenance> Owners)> _destinations = new(StringComparer.Ordinal);

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        lock (_destinations)
        {
            if (!_destinations.TryGetValue(target.Destination, out var d)) return Snapshot.Empty;
            return new Snapshot(new Dictionary<string, FlatValue>(d.Values), d.Owners.GetValueOrDefault(target.Owner));
        }
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        (Dictionary<string, FlatValue> Values, Dictionary<string, Provenance> Owners) copy;
        lock (_destinations)
            copy = _destinations.TryGetValue(target.Destination, out var d) ? (new(d.Values), new(d.Owners)) : (new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        await Task.Delay(1, cancellationToken); // a round trip: interleavings would lose updates without the executor's lock
        foreach (var (key, value) in changes.Upserts) copy.Values[key] = value;
        foreach (var key in changes.Removals) copy.Values.Remove(key);
        if (provenance is null) copy.Owners.Remove(target.Owner);
        else copy.Owners[target.Owner] = provenance;
        lock (_destinations) _destinations[target.Destination] = copy;
    }
}

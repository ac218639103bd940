using System.Text.Json;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.State;

namespace VarTrack.Core.Sync;

/// <summary>
/// Pre-write snapshots of destinations, kept in the state store between a sync's plan and its restore or record
/// (activities may run on different instances). They hold real values, as the destination does: the local store
/// writes them owner-only (0600) and they are deleted when the file's sync ends.
/// </summary>
public sealed class SnapshotStore(IStateStore store)
{
    internal const string Root = "snapshots";

    public Task SaveAsync(string syncId, SinkTarget target, string sink, Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("values");
            writer.WriteRawValue(FlatJson.Serialize(snapshot.Values), skipInputValidation: true);
            if (snapshot.Provenance is { } provenance)
            {
                writer.WritePropertyName("provenance");
                writer.WriteRawValue(ProvenanceJson.Serialize(provenance), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return store.WriteAsync(KeyOf(syncId, target, sink), buffer.ToArray(), cancellationToken);
    }

    public async Task<Snapshot> LoadAsync(string syncId, SinkTarget target, string sink, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(syncId, target, sink);
        var data = await store.ReadAsync(key, cancellationToken)
                   ?? throw new InvalidOperationException($"no snapshot of sink '{sink}' destination '{target.Destination}' for sync {syncId}; it must be planned first");
        using var document = JsonDocument.Parse(data);
        var values = FlatJson.Parse(JsonSerializer.SerializeToUtf8Bytes(document.RootElement.GetProperty("values")), key);
        Provenance? provenance = document.RootElement.TryGetProperty("provenance", out var p)
            ? ProvenanceJson.Parse(JsonSerializer.SerializeToUtf8Bytes(p), key)
            : null;
        return new Snapshot(values, provenance);
    }

    public Task DeleteAsync(string syncId, SinkTarget target, string sink, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(KeyOf(syncId, target, sink), cancellationToken);

    private static string KeyOf(string syncId, SinkTarget target, string sink) => StateKey.Of(Root, syncId, target.Owner, sink, target.Destination);
}

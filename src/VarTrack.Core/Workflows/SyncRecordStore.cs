using VarTrack.Core.State;

namespace VarTrack.Core.Workflows;

/// <summary>Sync records in the state store (<c>syncs/&lt;id&gt;</c>), what <c>GET /api/syncs</c> serves.</summary>
public sealed class SyncRecordStore(IStateStore store)
{
    internal const string Root = "syncs";

    /// <summary>Records a new sync as queued; false when a sync with that id exists (a redelivery).</summary>
    public Task<bool> TryCreateAsync(SyncRecord record, CancellationToken cancellationToken = default) =>
        store.TryCreateAsync(StateKey.Of(Root, record.Id), StateJson.Serialize(record), cancellationToken);

    public Task SaveAsync(SyncRecord record, CancellationToken cancellationToken = default) =>
        store.WriteAsync(StateKey.Of(Root, record.Id), StateJson.Serialize(record), cancellationToken);

    public Task<SyncRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        StateJson.ReadAsync<SyncRecord>(store, StateKey.Of(Root, id), cancellationToken);

    /// <summary>The newest records first (by request time).</summary>
    public async Task<IReadOnlyList<SyncRecord>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        var records = new List<SyncRecord>();
        foreach (var key in await store.ListAsync(Root, cancellationToken))
            if (await StateJson.ReadAsync<SyncRecord>(store, key, cancellationToken) is { } record)
                records.Add(record);
        return records.OrderByDescending(r => r.Request.RequestedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Take(limit).ToList();
    }
}

using StackExchange.Redis;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// mode: hash — the destination is one Redis hash, field = flat key, value = text (null stored as "" and listed in
/// the owner's provenance). A sync is one MULTI/EXEC: one HSET of every changed field, one HDEL of every removed field,
/// and the provenance write. A read is HGETALL plus the owner's provenance field in one MULTI/EXEC.
/// </summary>
internal sealed class RedisHashMode : RedisStorageMode
{
    public override async Task<Snapshot> ReadAsync(IDatabase database, SinkTarget target)
    {
        var transaction = database.CreateTransaction();
        var entries = transaction.HashGetAllAsync(target.Destination);
        var stored = ReadProvenance(transaction, target);
        await CommitAsync(transaction, [entries, stored], target);

        var provenance = ParseProvenance(stored.Result, target);
        var values = new Dictionary<string, FlatValue>(entries.Result.Length, StringComparer.Ordinal);
        foreach (var entry in entries.Result)
        {
            var key = (string)entry.Name!;
            values[key] = StoredText.Decode(key, (string)entry.Value!, provenance);
        }
        return new Snapshot(values, provenance);
    }

    public override async Task ApplyAsync(IDatabase database, SinkTarget target, ChangeSet changes, Provenance? provenance)
    {
        var transaction = database.CreateTransaction();
        var queued = new List<Task>(3);
        var upserts = changes.Upserts.Select(u => new HashEntry(u.Key, StoredText.Encode(u.Value))).ToArray();
        if (upserts.Length > 0) queued.Add(transaction.HashSetAsync(target.Destination, upserts));
        var removals = changes.Removals.Select(key => (RedisValue)key).ToArray();
        if (removals.Length > 0) queued.Add(transaction.HashDeleteAsync(target.Destination, removals));
        queued.Add(WriteProvenance(transaction, target, provenance));
        await CommitAsync(transaction, queued, target);
    }
}

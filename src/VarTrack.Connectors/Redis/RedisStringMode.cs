using System.Text;
using StackExchange.Redis;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// mode: string — one Redis string per flat key, named <c>&lt;destination&gt;:&lt;flat key&gt;</c>, optionally with a
/// TTL. A read SCANs <c>&lt;destination&gt;:*</c> on every primary and MGETs the keys in batches; a sync is one
/// MULTI/EXEC with one MSET (or one SET with expiry per key when a TTL is set), one DEL/UNLINK and the provenance write.
/// A key whose TTL ran out reads back as missing, so the next sync adds it again (smart_repair skips while the content
/// hash is unchanged). The provenance hash never expires.
/// </summary>
internal sealed class RedisStringMode(TimeSpan? ttl) : RedisStorageMode
{
    private const int ScanPageSize = 1000;
    private const int GetBatchSize = 1000;

    public TimeSpan? Ttl { get; } = ttl;

    public static string KeyOf(string destination, string flatKey) => $"{destination}:{flatKey}";

    /// <summary>The destination as a SCAN MATCH prefix: glob characters are matched literally.</summary>
    public static string Pattern(string destination)
    {
        var pattern = new StringBuilder(destination.Length + 4);
        foreach (var c in destination)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') pattern.Append('\\');
            pattern.Append(c);
        }
        return pattern.Append(":*").ToString();
    }

    public override async Task<Snapshot> ReadAsync(IDatabase database, SinkTarget target)
    {
        var stored = ReadProvenance(database, target);
        var read = ReadValuesAsync(database, target.Destination);
        await Task.WhenAll(stored, read);

        var prefix = target.Destination + ":";
        var provenance = ParseProvenance(stored.Result, target);
        var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
        foreach (var (batchKeys, batchValues) in read.Result)
            for (var i = 0; i < batchKeys.Length; i++)
            {
                // Null: expired between SCAN and MGET, or not a string (someone else's key under the prefix).
                if (batchValues[i].IsNull) continue;
                var flatKey = ((string)batchKeys[i]!)[prefix.Length..];
                values[flatKey] = StoredText.Decode(flatKey, (string)batchValues[i]!, provenance);
            }
        return new Snapshot(values, provenance);
    }

    /// <summary>SCAN on every primary (a cluster spreads keys over nodes), then MGET in batches, pipelined.</summary>
    private static async Task<(RedisKey[] Keys, RedisValue[] Values)[]> ReadValuesAsync(IDatabase database, string destination)
    {
        var provenanceKey = (RedisKey)ProvenanceKey(destination);
        var keys = new HashSet<RedisKey>();
        foreach (var server in database.Multiplexer.GetServers().Where(s => !s.IsReplica))
            await foreach (var key in server.KeysAsync(database.Database, Pattern(destination), ScanPageSize))
                if (key != provenanceKey) keys.Add(key);
        return await Task.WhenAll(keys.Chunk(GetBatchSize).Select(async batch => (batch, await database.StringGetAsync(batch))));
    }

    public override async Task ApplyAsync(IDatabase database, SinkTarget target, ChangeSet changes, Provenance? provenance)
    {
        var transaction = database.CreateTransaction();
        var queued = new List<Task>();
        var upserts = changes.Upserts.Select(u => KeyValuePair.Create((RedisKey)KeyOf(target.Destination, u.Key), (RedisValue)StoredText.Encode(u.Value))).ToArray();
        if (Ttl is { } expiry)
            foreach (var (key, value) in upserts)
                queued.Add(transaction.StringSetAsync(key, value, expiry));
        else if (upserts.Length > 0)
            queued.Add(transaction.StringSetAsync(upserts));
        var removals = changes.Removals.Select(key => (RedisKey)KeyOf(target.Destination, key)).ToArray();
        if (removals.Length > 0) queued.Add(transaction.KeyDeleteAsync(removals));
        queued.Add(WriteProvenance(transaction, target, provenance));
        await CommitAsync(transaction, queued, target);
    }
}

using StackExchange.Redis;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// mode: json — the destination is one Redis string holding the whole map as <see cref="FlatJson"/>. A sync re-reads
/// the document, applies the change set and writes it back in a MULTI/EXEC guarded by WATCH on the value read (or on
/// the key not existing), so a concurrent hand edit makes the write fail instead of being overwritten.
/// </summary>
internal sealed class RedisJsonMode : RedisStorageMode
{
    /// <summary>For tests: runs between the re-read and the guarded write, where a concurrent edit would land.</summary>
    internal Func<Task>? BeforeWrite { get; init; }

    public override async Task<Snapshot> ReadAsync(IDatabase database, SinkTarget target)
    {
        var transaction = database.CreateTransaction();
        var document = transaction.StringGetAsync(target.Destination);
        var stored = ReadProvenance(transaction, target);
        await CommitAsync(transaction, [document, stored], target);
        return new Snapshot(Parse(document.Result, target), ParseProvenance(stored.Result, target));
    }

    public override async Task ApplyAsync(IDatabase database, SinkTarget target, ChangeSet changes, Provenance? provenance)
    {
        var current = await database.StringGetAsync(target.Destination);
        var next = FlatJson.Apply(Parse(current, target), changes);
        if (BeforeWrite is not null) await BeforeWrite();

        var transaction = database.CreateTransaction();
        transaction.AddCondition(current.IsNull ? Condition.KeyNotExists(target.Destination) : Condition.StringEqual(target.Destination, current));
        // An emptied map leaves no key behind, so restoring a destination that never existed leaves nothing.
        Task write = next.Count == 0
            ? transaction.KeyDeleteAsync(target.Destination)
            : transaction.StringSetAsync(target.Destination, FlatJson.Serialize(next));
        await CommitAsync(transaction, [write, WriteProvenance(transaction, target, provenance)], target);
    }

    private static Dictionary<string, FlatValue> Parse(RedisValue document, SinkTarget target) =>
        document.IsNull ? new Dictionary<string, FlatValue>(StringComparer.Ordinal) : FlatJson.Parse((byte[])document!, $"redis key '{target.Destination}'");
}

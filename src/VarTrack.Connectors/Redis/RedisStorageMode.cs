using StackExchange.Redis;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// How a destination's flat map is laid out in Redis (hash, string, json). Every mode keeps provenance the same way:
/// a hash <c>&lt;destination&gt;:__vartrack__</c> with one field per owner (<c>rule:file</c>) holding
/// <see cref="ProvenanceJson"/>, written in the same MULTI/EXEC as the data.
/// </summary>
internal abstract class RedisStorageMode
{
    public const string ProvenanceSuffix = ":__vartrack__";

    public abstract Task<Snapshot> ReadAsync(IDatabase database, SinkTarget target);

    public abstract Task ApplyAsync(IDatabase database, SinkTarget target, ChangeSet changes, Provenance? provenance);

    public static string ProvenanceKey(string destination) => destination + ProvenanceSuffix;

    /// <summary>Queues the owner's provenance write (or its removal, for a null record) on a transaction.</summary>
    protected static Task WriteProvenance(ITransaction transaction, SinkTarget target, Provenance? provenance) =>
        provenance is null
            ? transaction.HashDeleteAsync(ProvenanceKey(target.Destination), target.Owner)
            : transaction.HashSetAsync(ProvenanceKey(target.Destination), target.Owner, ProvenanceJson.Serialize(provenance));

    protected static Task<RedisValue> ReadProvenance(IDatabaseAsync database, SinkTarget target) =>
        database.HashGetAsync(ProvenanceKey(target.Destination), target.Owner);

    protected static Provenance? ParseProvenance(RedisValue stored, SinkTarget target) =>
        stored.IsNull ? null : ProvenanceJson.Parse((byte[])stored!, $"redis hash '{ProvenanceKey(target.Destination)}' field '{target.Owner}'");

    /// <summary>
    /// Sends MULTI, the queued commands and EXEC in one round trip, then surfaces any per-command error (Redis runs the
    /// other commands of a transaction even if one fails, so the caller must fail and let the executor restore).
    /// Only a transaction with a condition can come back uncommitted: a watched key changed and nothing was written, so
    /// the executor must not restore over that edit (<see cref="DestinationChangedException"/>).
    /// </summary>
    protected static async Task CommitAsync(ITransaction transaction, IReadOnlyCollection<Task> queued, SinkTarget target)
    {
        if (!await transaction.ExecuteAsync())
            throw new DestinationChangedException($"redis key '{target.Destination}' changed after VarTrack read it " +
                                                  "(edited by hand or by another writer); nothing was written, run the sync again");
        await Task.WhenAll(queued);
    }
}

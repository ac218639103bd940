using MongoDB.Bson;
using MongoDB.Driver;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Mongo;

/// <summary>
/// MongoDB in <c>file</c> mode: one document per destination (typically a template with <c>{file}</c>), holding the
/// whole flat map, so an application loads its configuration with one <c>findOne({_id})</c>:
/// <code>
/// { _id: "&lt;destination&gt;", data: { "db.host": "x", "opt": null, ... }, provenance: { "&lt;owner&gt;": { ...record... } }, revision: 7 }
/// </code>
/// Keys become field names of <c>data</c> as they are (dots included), which MongoDB allows in stored documents but
/// not in update paths, so the whole document is rewritten with ReplaceOne. Every write is conditional on the
/// <c>revision</c> read just before (InsertOne when there was no document, DeleteOne when nothing is left), so a
/// concurrent writer makes the write fail clearly (<see cref="DestinationChangedException"/>, nothing written)
/// instead of being overwritten. Keys that cannot be field names (empty, starting with '$', containing NUL) are
/// refused before anything is written. Top-level fields other than data, provenance and revision (someone's notes)
/// are kept.
/// </summary>
public sealed class MongoFileSink : ISink, IAsyncDisposable
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly MongoStore _store;

    public MongoFileSink(MongoClientSettings settings, string database, string collection)
    {
        _store = new MongoStore(settings, database, collection, []);
    }

    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default) =>
        _store.ReadAsync(target.Destination, async ct =>
        {
            var document = await FindAsync(target.Destination, ct);
            return document is null ? Snapshot.Empty : new Snapshot(Values(document, target.Destination), OwnerProvenance(document, target));
        }, cancellationToken);

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var destination = target.Destination;
        foreach (var (key, _) in changes.Upserts)
            if (InvalidFieldName(key) is { } reason)
                throw new VarTrackException(new Problem(
                    $"key '{key}' cannot be stored in MongoDB file mode at destination '{destination}': a field name {reason}; use mode 'document' for such keys") { Key = key });
        if (InvalidFieldName(target.Owner) is { } ownerReason)
            throw new VarTrackException(new Problem(
                $"owner '{target.Owner}' cannot name a provenance record in MongoDB file mode at destination '{destination}': a field name {ownerReason}"));

        await _store.WriteAsync(destination, async ct =>
        {
            var current = await FindAsync(destination, ct);
            var values = current is null ? new Dictionary<string, FlatValue>(StringComparer.Ordinal) : Values(current, destination);
            var next = FlatJson.Apply(values, changes);

            var records = current?.GetValue("provenance", new BsonDocument()) as BsonDocument ?? [];
            records = records.DeepClone().AsBsonDocument;
            if (provenance is null) records.Remove(target.Owner);
            else records[target.Owner] = MongoBson.ToBson(provenance);

            if (current is null)
            {
                if (next.Count > 0 || records.ElementCount > 0)
                    await InsertAsync(destination, Document(destination, null, next, records, revision: 1), ct);
                return;
            }

            var expected = Expected(current);
            if (next.Count == 0 && records.ElementCount == 0)
            {
                var deleted = await _store.Collection.DeleteOneAsync(expected, ct);
                if (deleted.DeletedCount == 0) throw ChangedMeanwhile(destination, current);
                return;
            }
            var revision = current.GetValue("revision", 0) is { IsNumeric: true } stored
                ? stored.ToInt64() + 1
                : throw new VarTrackException(new Problem(
                    $"document '{destination}' in {_store.Namespace} is not a VarTrack file document: 'revision' must be a number, found {current["revision"].BsonType.ToString().ToLowerInvariant()}"));
            var replaced = await _store.Collection.ReplaceOneAsync(expected, Document(destination, current, next, records, revision), new ReplaceOptions { IsUpsert = false }, ct);
            if (replaced.MatchedCount == 0) throw ChangedMeanwhile(destination, current);
        }, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Why a key cannot be a field name of a stored document, or null when it can.</summary>
    public static string? InvalidFieldName(string name) =>
        name.Length == 0 ? "may not be empty"
        : name[0] == '$' ? "may not start with '$'"
        : name.Contains('\0') ? "may not contain a NUL character"
        : null;

    private Task<BsonDocument?> FindAsync(string destination, CancellationToken cancellationToken) =>
        _store.Collection.Find(Filter.Eq("_id", destination)).Limit(1).FirstOrDefaultAsync(cancellationToken)!;

    private async Task InsertAsync(string destination, BsonDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await _store.Collection.InsertOneAsync(document, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DestinationChangedException(
                $"the document of destination '{destination}' in {_store.Namespace} was created by someone else while VarTrack was writing it; nothing written");
        }
    }

    private static FilterDefinition<BsonDocument> Expected(BsonDocument current) =>
        current.TryGetValue("revision", out var revision)
            ? Filter.And(Filter.Eq("_id", current["_id"]), Filter.Eq("revision", revision))
            : Filter.And(Filter.Eq("_id", current["_id"]), Filter.Exists("revision", false));

    /// <summary>The conditional write matched nothing: the executor must not "restore" over the other writer's document.</summary>
    private DestinationChangedException ChangedMeanwhile(string destination, BsonDocument current) =>
        new(current.TryGetValue("revision", out var revision)
            ? $"the document of destination '{destination}' in {_store.Namespace} changed while VarTrack was writing it (expected revision {revision}); nothing written"
            : $"the document of destination '{destination}' in {_store.Namespace} changed while VarTrack was writing it; nothing written");

    private static BsonDocument Document(string destination, BsonDocument? current, Dictionary<string, FlatValue> values, BsonDocument records, long revision)
    {
        var data = new BsonDocument();
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) data.Add(key, MongoBson.ToBson(value));
        var document = new BsonDocument { { "_id", destination }, { "data", data }, { "provenance", records }, { "revision", revision } };
        if (current is not null)
            foreach (var element in current.Where(e => e.Name is not ("_id" or "data" or "provenance" or "revision")))
                document.Add(element);
        return document;
    }

    private Dictionary<string, FlatValue> Values(BsonDocument document, string destination)
    {
        var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
        switch (document.GetValue("data", BsonNull.Value))
        {
            case BsonDocument data:
                foreach (var element in data) values[element.Name] = MongoBson.ToFlatValue(element.Value);
                break;
            case BsonNull:
                break;
            case var other:
                throw new VarTrackException(new Problem(
                    $"document '{destination}' in {_store.Namespace} is not a VarTrack file document: 'data' must be a document of key -> value, found {other.BsonType.ToString().ToLowerInvariant()}"));
        }
        return values;
    }

    private Provenance? OwnerProvenance(BsonDocument document, SinkTarget target)
    {
        var where = $"mongodb {_store.Namespace} document '{target.Destination}' field 'provenance'";
        return document.GetValue("provenance", BsonNull.Value) switch
        {
            BsonNull => null,
            BsonDocument records => records.TryGetValue(target.Owner, out var record) ? MongoBson.ToProvenance(record, $"{where} (owner '{target.Owner}')") : null,
            var other => throw new VarTrackException(new Problem(
                $"provenance records at {where} are not valid: expected a document of owner -> record, found {other.BsonType.ToString().ToLowerInvariant()}")),
        };
    }
}

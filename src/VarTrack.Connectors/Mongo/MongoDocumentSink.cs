using MongoDB.Bson;
using MongoDB.Driver;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Mongo;

/// <summary>
/// MongoDB in <c>document</c> mode: one document per key, so applications query single settings and any key name is
/// allowed. The destination is a label shared by the documents of one config map, stored in the
/// <c>destination</c> field (indexed) and used as the prefix of their <c>_id</c>:
/// <code>
/// { _id: "&lt;destination&gt;/&lt;key&gt;", destination, key, value: "text" | null, rule, source_file, commit, applied_at }
/// { _id: "&lt;destination&gt;#__vartrack__#&lt;owner&gt;", destination, kind: "vartrack_provenance", provenance: { ...record... } }
/// </code>
/// Reading is one <c>find({destination})</c> (the cursor pages with getMore); applying is one ordered BulkWrite of
/// DeleteOne / ReplaceOne-upsert models, provenance last, which the driver sends as at most one <c>delete</c> and one
/// <c>update</c> command. Filters also match <c>destination</c>, so a write never takes over a document of another
/// destination whose <c>_id</c> happens to be the same string (it fails with a duplicate-key error instead).
/// </summary>
public sealed class MongoDocumentSink : ISink, IAsyncDisposable
{
    public const string ProvenanceKind = "vartrack_provenance";
    public const string ProvenanceSeparator = "#__vartrack__#";
    public const string DestinationIndexName = "destination_1";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private static readonly BulkWriteOptions Ordered = new() { IsOrdered = true };

    private readonly MongoStore _store;

    public MongoDocumentSink(MongoClientSettings settings, string database, string collection)
    {
        _store = new MongoStore(settings, database, collection,
            [new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("destination"), new CreateIndexOptions { Name = DestinationIndexName })]);
    }

    public static string KeyId(string destination, string key) => $"{destination}/{key}";

    public static string ProvenanceId(string destination, string owner) => $"{destination}{ProvenanceSeparator}{owner}";

    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default) =>
        _store.ReadAsync(target.Destination, async ct =>
        {
            var provenanceId = ProvenanceId(target.Destination, target.Owner);
            var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
            var seenIn = new Dictionary<string, BsonValue>(StringComparer.Ordinal);
            Provenance? provenance = null;
            using var cursor = await _store.Collection.Find(Filter.Eq("destination", target.Destination)).ToCursorAsync(ct);
            while (await cursor.MoveNextAsync(ct))
            {
                foreach (var document in cursor.Current)
                {
                    var id = document.GetValue("_id", BsonNull.Value);
                    if (document.GetValue("kind", BsonNull.Value) == ProvenanceKind)
                    {
                        if (id == provenanceId)
                            provenance = MongoBson.ToProvenance(document.GetValue("provenance", BsonNull.Value), $"mongodb {_store.Namespace} document '{provenanceId}' field 'provenance'");
                        continue;
                    }
                    if (document.GetValue("key", BsonNull.Value) is not BsonString { Value: var key })
                        throw Invalid($"document {id.ToJson()} of destination '{target.Destination}' in {_store.Namespace} has no string 'key' field");
                    if (seenIn.TryGetValue(key, out var firstId))
                        throw Invalid($"documents {firstId.ToJson()} and {id.ToJson()} in {_store.Namespace} both hold key '{key}' of destination '{target.Destination}'");
                    seenIn[key] = id;
                    values[key] = MongoBson.ToFlatValue(document.GetValue("value", BsonNull.Value));
                }
            }
            return new Snapshot(values, provenance);
        }, cancellationToken);

    public Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var destination = target.Destination;
        var models = new List<WriteModel<BsonDocument>>();
        // Deletes first, then replacements with provenance last: the driver sends one command per run of the same kind.
        foreach (var key in changes.Removals)
            models.Add(new DeleteOneModel<BsonDocument>(Owned(KeyId(destination, key), destination)));
        var provenanceFilter = Owned(ProvenanceId(destination, target.Owner), destination);
        if (provenance is null)
            models.Add(new DeleteOneModel<BsonDocument>(provenanceFilter));

        var rule = provenance?.Rule ?? target.Rule;
        var sourceFile = provenance?.SourceFile ?? target.SourceFile;
        BsonValue commit = provenance?.Commit is { } c ? c : BsonNull.Value;
        var appliedAt = new BsonDateTime((provenance?.AppliedAt ?? DateTimeOffset.UtcNow).UtcDateTime);
        foreach (var (key, value) in changes.Upserts)
        {
            var id = KeyId(destination, key);
            var document = new BsonDocument
            {
                { "_id", id },
                { "destination", destination },
                { "key", key },
                { "value", MongoBson.ToBson(value) },
                { "rule", rule },
                { "source_file", sourceFile },
                { "commit", commit },
                { "applied_at", appliedAt },
            };
            models.Add(new ReplaceOneModel<BsonDocument>(Owned(id, destination), document) { IsUpsert = true });
        }
        if (provenance is not null)
        {
            var record = new BsonDocument
            {
                { "_id", ProvenanceId(destination, target.Owner) },
                { "destination", destination },
                { "kind", ProvenanceKind },
                { "provenance", MongoBson.ToBson(provenance) },
            };
            models.Add(new ReplaceOneModel<BsonDocument>(provenanceFilter, record) { IsUpsert = true });
        }

        return _store.WriteAsync(destination, ct => _store.Collection.BulkWriteAsync(models, Ordered, ct), cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }

    private static FilterDefinition<BsonDocument> Owned(string id, string destination) =>
        Filter.And(Filter.Eq("_id", id), Filter.Eq("destination", destination));

    private static VarTrackException Invalid(string message) => new(new Problem(message));
}

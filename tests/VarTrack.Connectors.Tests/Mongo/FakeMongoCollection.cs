using MongoDB.Bson;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// One in-memory collection: documents by <c>_id</c> (the only unique index enforced) in insertion order, and the
/// index definitions <c>createIndexes</c> was given. Not thread-safe; the server serialises access.
/// </summary>
internal sealed class FakeMongoCollection(string database, string name)
{
    private readonly Dictionary<BsonValue, BsonDocument> _documents = [];
    private readonly List<BsonDocument> _indexes = [new BsonDocument { { "v", 2 }, { "key", new BsonDocument("_id", 1) }, { "name", "_id_" } }];

    public string Namespace => $"{database}.{name}";

    public IEnumerable<BsonDocument> Documents => _documents.Values;

    public IReadOnlyList<BsonDocument> Indexes => _indexes;

    public bool Contains(BsonValue id) => _documents.ContainsKey(id);

    /// <summary>Documents matching a filter, in insertion order; an _id equality is looked up directly, as mongod uses the _id index.</summary>
    public IEnumerable<BsonDocument> Matching(BsonDocument filter)
    {
        if (FakeMongoFilter.EqualityId(filter) is { } id && !id.IsBsonNull)
            return _documents.TryGetValue(id, out var byId) && FakeMongoFilter.Matches(byId, filter) ? [byId] : [];
        return _documents.Values.Where(d => FakeMongoFilter.Matches(d, filter));
    }

    /// <summary>Adds a document; false (nothing changed) if its _id is taken.</summary>
    public bool TryInsert(BsonDocument document) => _documents.TryAdd(document["_id"], document);

    public void Replace(BsonDocument document) => _documents[document["_id"]] = document;

    public bool Remove(BsonValue id) => _documents.Remove(id);

    public string DuplicateKeyMessage(BsonValue id) =>
        $"E11000 duplicate key error collection: {Namespace} index: _id_ dup key: {{ _id: {id.ToJson()} }}";

    /// <summary>Adds an index; false when an identical one exists. Conflicting definitions are refused as MongoDB does.</summary>
    public bool AddIndex(BsonDocument specification)
    {
        var key = specification["key"].AsBsonDocument;
        var indexName = specification["name"].AsString;
        foreach (var existing in _indexes)
        {
            var sameName = existing["name"].AsString == indexName;
            var sameKey = existing["key"].Equals(key);
            if (sameName && sameKey) return false;
            if (sameName)
                throw new FakeMongoCommandError(86, "IndexKeySpecsConflict", $"An existing index has the same name as the requested index but a different key: {indexName}");
            if (sameKey)
                throw new FakeMongoCommandError(85, "IndexOptionsConflict", $"Index already exists with a different name: {existing["name"].AsString}");
        }
        var index = new BsonDocument { { "v", 2 }, { "key", key }, { "name", indexName } };
        foreach (var option in specification.Where(e => e.Name is not ("key" or "name" or "v"))) index[option.Name] = option.Value;
        _indexes.Add(index);
        return true;
    }
}

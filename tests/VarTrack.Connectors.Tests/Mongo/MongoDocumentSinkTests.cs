using MongoDB.Bson;
using MongoDB.Driver;
using VarTrack.Connectors.Mongo;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// MongoDB document mode beyond the contract: the exact documents written (the layout the README promises), one bulk
/// write per apply, idempotent indexes, paging reads, bad stored data and write faults. Against the in-process fake.
/// </summary>
public sealed class MongoDocumentSinkTests : IAsyncLifetime
{
    private const string Collection = "settings";

    private readonly FakeMongoServer _server = FakeMongoServer.Start();
    private readonly MongoTestSinks _sinks = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sinks.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<ISink> SinkAsync() => _sinks.CreateAsync(_server.ConnectionString(), Collection, "document");

    private static string NewDestination() => $"production/app-{Guid.NewGuid():N}";

    private BsonDocument Stored(string id) => _server.Document(MongoTestSinks.Database, Collection, id) ?? throw new InvalidOperationException($"no document '{id}'");

    [Fact]
    public async Task Each_key_is_one_document_and_the_owner_provenance_one_more()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        var changes = DirectChanges.Of([("db.host", "db.internal"), ("optional", null), ("empty", ""), ("ключ", "✓")]);
        var provenance = DirectChanges.Provenance(["db.host", "optional", "empty", "ключ"]) with { NullKeys = new HashSet<string> { "optional" } };

        await sink.ApplyAsync(DirectChanges.Target(destination), changes, provenance);

        var appliedAt = new BsonDateTime(DirectChanges.AppliedAt.UtcDateTime);
        Assert.Equal(new BsonDocument
        {
            { "_id", $"{destination}/db.host" },
            { "destination", destination },
            { "key", "db.host" },
            { "value", "db.internal" },
            { "rule", "contract" },
            { "source_file", "config/app.yaml" },
            { "commit", "c1" },
            { "applied_at", appliedAt },
        }, Stored($"{destination}/db.host"));
        Assert.Equal(BsonNull.Value, Stored($"{destination}/optional")["value"]);
        Assert.Equal(new BsonString(""), Stored($"{destination}/empty")["value"]);
        Assert.Equal(new BsonString("✓"), Stored($"{destination}/ключ")["value"]);

        Assert.Equal(new BsonDocument
        {
            { "_id", $"{destination}#__vartrack__#contract:config/app.yaml" },
            { "destination", destination },
            { "kind", "vartrack_provenance" },
            {
                "provenance", new BsonDocument
                {
                    { "schema_version", 1 },
                    { "rule", "contract" },
                    { "tenant", "acme" },
                    { "environment", "production" },
                    { "source_file", "config/app.yaml" },
                    { "commit", "c1" },
                    { "commit_time", "2026-01-01T00:00:00+00:00" },
                    { "applied_at", "2026-01-02T03:04:05.678+00:00" },
                    { "content_hash", "blake3:test" },
                    { "owned_keys", new BsonArray { "db.host", "empty", "optional", "ключ" } },
                    { "secret_keys", new BsonArray() },
                    { "null_keys", new BsonArray { "optional" } },
                }
            },
        }, Stored($"{destination}#__vartrack__#contract:config/app.yaml"));
        Assert.Equal(5, _server.Documents(MongoTestSinks.Database, Collection).Count);

        var snapshot = await sink.ReadAsync(DirectChanges.Target(destination));
        Assert.True(snapshot.Values["optional"].IsNull);
        Assert.Equal("", snapshot.Values["empty"].Reveal());
        Assert.Equal(provenance, snapshot.Provenance! with { OwnedKeys = provenance.OwnedKeys, SecretKeys = provenance.SecretKeys, NullKeys = provenance.NullKeys });
        Assert.Equal(provenance.OwnedKeys.Order(), snapshot.Provenance!.OwnedKeys.Order());
    }

    [Fact]
    public async Task An_apply_is_one_ordered_bulk_write_one_delete_and_one_update_command()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        var keys = Enumerable.Range(0, 50).Select(i => ($"key{i}", (string?)$"v{i}")).ToList();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of(keys), DirectChanges.Provenance(keys.Select(k => k.Item1)));

        var writes = _server.DataCommands.Where(c => c.IsWrite).ToList();
        var update = Assert.Single(writes);
        Assert.Equal("update", update.Name);
        Assert.Equal(51, update.StatementCount); // 50 keys + the provenance record
        Assert.True(update.Command["ordered"].AsBoolean);
        Assert.All(update.Command["updates"].AsBsonArray, s => Assert.True(s["upsert"].AsBoolean));

        _server.ClearCommands();
        var next = DirectChanges.Of([("key0", "changed"), ("key1", "changed")], removals: Enumerable.Range(40, 10).Select(i => $"key{i}"));
        await sink.ApplyAsync(DirectChanges.Target(destination), next, DirectChanges.Provenance(Enumerable.Range(0, 40).Select(i => $"key{i}"), "c2"));

        var commands = _server.DataCommands;
        Assert.Equal(["delete", "update"], commands.Select(c => c.Name));
        Assert.Equal(10, commands[0].StatementCount);
        Assert.Equal(3, commands[1].StatementCount);
        Assert.Equal(40, (await sink.ReadAsync(DirectChanges.Target(destination))).Values.Count);
    }

    [Fact]
    public async Task A_sync_through_the_executor_reads_with_one_find_and_writes_with_one_update()
    {
        var sink = await SinkAsync();
        var harness = new SinkTestHarness(sink, "mongodb");
        var destination = NewDestination();
        var values = Enumerable.Range(0, 300).ToDictionary(i => $"section.key{i}", i => (string?)$"{i}");

        var report = await harness.Executor().RunAsync(harness.Job(destination, values));

        Assert.True(report.Succeeded, report.Sinks.Single().Error);
        Assert.Equal(["find", "createIndexes", "update"], _server.DataCommands.Select(c => c.Name));
        Assert.Equal(301, _server.DataCommands.Single(c => c.Name == "update").StatementCount);
        var find = _server.DataCommands.Single(c => c.Name == "find");
        Assert.Equal(new BsonDocument("destination", destination), find.Command["filter"]);

        _server.ClearCommands();
        var snapshot = await sink.ReadAsync(DirectChanges.Target(destination));
        Assert.Equal(300, snapshot.Values.Count);
        // 301 documents: the first batch holds 101, one getMore brings the rest.
        Assert.Equal(["find", "getMore"], _server.DataCommands.Select(c => c.Name));
    }

    [Fact]
    public async Task Indexes_are_created_once_per_sink_and_creating_them_again_is_harmless()
    {
        var first = await SinkAsync();
        var second = await SinkAsync();
        var destination = NewDestination();
        var changes = DirectChanges.Of([("a", "1")]);

        await first.ApplyAsync(DirectChanges.Target(destination), changes, DirectChanges.Provenance(["a"]));
        await first.ApplyAsync(DirectChanges.Target(destination), changes, DirectChanges.Provenance(["a"], "c2"));
        await second.ApplyAsync(DirectChanges.Target(destination), changes, DirectChanges.Provenance(["a"], "c3"));

        var creates = _server.DataCommands.Where(c => c.Name == "createIndexes").ToList();
        Assert.Equal(2, creates.Count);
        Assert.All(creates, c => Assert.Equal(new BsonDocument("destination", 1), c.Command["indexes"][0]["key"]));
        Assert.Equal(["_id_", MongoDocumentSink.DestinationIndexName], _server.Indexes(MongoTestSinks.Database, Collection).Select(i => i["name"].AsString));

        using var client = new MongoClient(_server.ConnectionString());
        var listed = await (await client.GetDatabase(MongoTestSinks.Database).GetCollection<BsonDocument>(Collection).Indexes.ListAsync()).ToListAsync();
        Assert.Equal(new BsonDocument("destination", 1), listed.Single(i => i["name"] == "destination_1")["key"]);
    }

    [Fact]
    public async Task Reading_never_creates_anything()
    {
        var sink = await SinkAsync();
        var snapshot = await sink.ReadAsync(DirectChanges.Target(NewDestination()));
        Assert.Empty(snapshot.Values);
        Assert.DoesNotContain(_server.DataCommands, c => c.Name == "createIndexes" || c.IsWrite);
        Assert.Empty(_server.Indexes(MongoTestSinks.Database, Collection));
    }

    [Fact]
    public async Task Destinations_sharing_a_collection_see_only_their_own_documents()
    {
        var sink = await SinkAsync();
        var (one, two) = (NewDestination(), NewDestination());
        await sink.ApplyAsync(DirectChanges.Target(one), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));
        await sink.ApplyAsync(DirectChanges.Target(two), DirectChanges.Of([("b", "2")]), DirectChanges.Provenance(["b"]));

        Assert.Equal(["a"], (await sink.ReadAsync(DirectChanges.Target(one))).Values.Keys);
        Assert.Equal(["b"], (await sink.ReadAsync(DirectChanges.Target(two))).Values.Keys);
    }

    [Fact]
    public async Task Keys_that_are_not_valid_field_names_are_fine_in_document_mode()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        var changes = DirectChanges.Of([("$set", "dollar"), ("", "empty key"), ("a.b.$c", "mixed")]);
        await sink.ApplyAsync(DirectChanges.Target(destination), changes, DirectChanges.Provenance(["$set", "", "a.b.$c"]));

        var values = (await sink.ReadAsync(DirectChanges.Target(destination))).Values;
        Assert.Equal("dollar", values["$set"].Reveal());
        Assert.Equal("empty key", values[""].Reveal());
        Assert.Equal("mixed", values["a.b.$c"].Reveal());
    }

    [Fact]
    public async Task Values_written_by_hand_as_other_bson_types_read_back_as_their_text()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        foreach (var (key, value) in new (string, BsonValue)[] { ("port", 5432), ("big", 9_000_000_000L), ("ratio", 1.5), ("on", true), ("nested", new BsonDocument("x", 1)) })
            _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", $"{destination}/{key}" }, { "destination", destination }, { "key", key }, { "value", value } });
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", $"{destination}/missing" }, { "destination", destination }, { "key", "missing" } });

        var values = (await sink.ReadAsync(DirectChanges.Target(destination))).Values;
        Assert.Equal("5432", values["port"].Reveal());
        Assert.Equal("9000000000", values["big"].Reveal());
        Assert.Equal("1.5", values["ratio"].Reveal());
        Assert.Equal("true", values["on"].Reveal());
        Assert.Equal("{ \"x\" : 1 }", values["nested"].Reveal());
        Assert.True(values["missing"].IsNull);
    }

    [Theory]
    [InlineData("not json at all", "provenance record at mongodb vartrack.settings document")]
    [InlineData("{\"rule\": \"contract\"}", "'environment' is missing")]
    public async Task A_corrupt_provenance_string_is_a_clear_error(string stored, string expected)
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        var id = MongoDocumentSink.ProvenanceId(destination, "contract:config/app.yaml");
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", id }, { "destination", destination }, { "kind", "vartrack_provenance" }, { "provenance", stored } });

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.Contains(expected, error.Message);
        Assert.Contains(id, error.Message);
        Assert.Contains("is not valid", error.Message);
    }

    [Fact]
    public async Task A_provenance_of_the_wrong_bson_type_is_a_clear_error_and_the_sync_fails_naming_the_destination()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument
        {
            { "_id", MongoDocumentSink.ProvenanceId(destination, "contract:config/app.yaml") }, { "destination", destination }, { "kind", "vartrack_provenance" }, { "provenance", 42 },
        });
        var harness = new SinkTestHarness(sink, "mongodb");

        var report = await harness.Executor().RunAsync(harness.Job(destination, new Dictionary<string, string?> { ["a"] = "1" }));

        Assert.False(report.Succeeded);
        var error = report.Sinks.Single().Error!;
        Assert.Contains($"destination '{destination}'", error);
        Assert.Contains("expected a document or a JSON string, found int32", error);
    }

    [Fact]
    public async Task Provenance_stored_as_a_json_string_reads_back()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        var record = ProvenanceJson.SerializeToString(DirectChanges.Provenance(["a"]));
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument
        {
            { "_id", MongoDocumentSink.ProvenanceId(destination, "contract:config/app.yaml") }, { "destination", destination }, { "kind", "vartrack_provenance" }, { "provenance", record },
        });

        var snapshot = await sink.ReadAsync(DirectChanges.Target(destination));
        Assert.Equal(["a"], snapshot.Provenance!.OwnedKeys);
        Assert.Equal("c1", snapshot.Provenance.Commit);
    }

    [Fact]
    public async Task Documents_without_a_key_or_holding_the_same_key_twice_are_clear_errors()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", "stray" }, { "destination", destination }, { "value", "x" } });
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.Equal($"document \"stray\" of destination '{destination}' in vartrack.settings has no string 'key' field", error.Message);

        var other = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", $"{other}/a" }, { "destination", other }, { "key", "a" }, { "value", "1" } });
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", "copy" }, { "destination", other }, { "key", "a" }, { "value", "2" } });
        error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(other)));
        Assert.Contains($"both hold key 'a' of destination '{other}'", error.Message);
    }

    [Fact]
    public async Task An_id_taken_by_another_destination_fails_the_write_instead_of_taking_the_document_over()
    {
        var sink = await SinkAsync();
        var prefix = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(prefix), DirectChanges.Of([("b/c", "first")]), DirectChanges.Provenance(["b/c"]));

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target($"{prefix}/b"), DirectChanges.Of([("c", "second")]), DirectChanges.Provenance(["c"])));

        Assert.Contains($"destination '{prefix}/b'", error.Message);
        Assert.Contains("E11000 duplicate key error", error.Message);
        Assert.Equal("first", Stored($"{prefix}/b/c")["value"].AsString);
        Assert.Equal(prefix, Stored($"{prefix}/b/c")["destination"].AsString);
    }

    [Fact]
    public async Task A_failing_write_fails_the_sync_with_the_server_reason_and_the_destination_is_rolled_back()
    {
        var sink = await SinkAsync();
        var harness = new SinkTestHarness(sink, "mongodb");
        var destination = NewDestination();
        var before = new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" };
        Assert.True((await harness.Executor().RunAsync(harness.Job(destination, before))).Succeeded);

        _server.FailNextWrites(1, 10107, "NotWritablePrimary", "not primary");
        var report = await harness.Executor().RunAsync(harness.Job(destination, new Dictionary<string, string?> { ["a"] = "10", ["c"] = "3" }, commit: "c2"));

        Assert.False(report.Succeeded);
        var sinkReport = report.Sinks.Single();
        Assert.Equal(SinkOutcome.Failed, sinkReport.Outcome);
        Assert.Equal($"sink 'primary' (mongodb) destination '{destination}': MongoDB refused the command while writing destination '{destination}' in vartrack.settings: not primary (code 10107 NotWritablePrimary)", sinkReport.Error);
        var snapshot = await sink.ReadAsync(DirectChanges.Target(destination));
        Assert.Equal(before, snapshot.Values.ToDictionary(v => v.Key, v => v.Value.Reveal()));
        Assert.Equal("c1", snapshot.Provenance!.Commit);
    }

    [Fact]
    public async Task A_connection_dropped_during_a_write_is_a_clear_error()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ReadAsync(DirectChanges.Target(destination));
        _server.DropConnectionOnNextWrites(1);

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"])));

        Assert.StartsWith($"lost the connection to MongoDB while writing destination '{destination}' in vartrack.settings (", error.Message);
    }

    [Fact]
    public async Task A_server_that_stops_answering_times_out_with_a_clear_error()
    {
        // Long enough for the first read to be answered on a loaded machine; the stalled write is never answered.
        var sink = await _sinks.CreateAsync(_server.ConnectionString() + "&socketTimeoutMS=3000", Collection, "document");
        var destination = NewDestination();
        await sink.ReadAsync(DirectChanges.Target(destination));
        _server.StallNextWrites(1);

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"])));

        Assert.StartsWith($"MongoDB did not answer in time while writing destination '{destination}' in vartrack.settings (", error.Message);
    }
}

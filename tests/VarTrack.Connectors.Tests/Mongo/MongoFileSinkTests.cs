using MongoDB.Bson;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// MongoDB file mode beyond the contract: the exact document written, conditional writes on <c>revision</c> (a
/// concurrent edit fails clearly), keys that cannot be field names, bad stored data. Against the in-process fake.
/// </summary>
public sealed class MongoFileSinkTests : IAsyncLifetime
{
    private const string Collection = "files";
    private const string Owner = "contract:config/app.yaml";

    private readonly FakeMongoServer _server = FakeMongoServer.Start();
    private readonly MongoTestSinks _sinks = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sinks.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<ISink> SinkAsync() => _sinks.CreateAsync(_server.ConnectionString(), Collection, "file");

    private static string NewDestination() => $"production/{Guid.NewGuid():N}/config/app.yaml";

    private BsonDocument? Stored(string destination) => _server.Document(MongoTestSinks.Database, Collection, destination);

    [Fact]
    public async Task One_document_per_destination_holds_the_map_and_a_provenance_record_per_owner()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("db.port", "5432"), ("db.host", "x"), ("optional", null), ("empty", "")]),
            DirectChanges.Provenance(["db.host", "db.port", "optional", "empty"]));

        var document = Stored(destination)!;
        Assert.Equal(["_id", "data", "provenance", "revision"], document.Names);
        Assert.Equal(destination, document["_id"].AsString);
        Assert.Equal(new BsonDocument { { "db.host", "x" }, { "db.port", "5432" }, { "empty", "" }, { "optional", BsonNull.Value } }, document["data"]);
        Assert.Equal(new BsonInt64(1), document["revision"]);
        var record = document["provenance"][Owner].AsBsonDocument;
        Assert.Equal(["schema_version", "rule", "tenant", "environment", "source_file", "commit", "commit_time", "applied_at", "content_hash", "owned_keys", "secret_keys", "null_keys"], record.Names);
        Assert.Equal(new BsonArray { "db.host", "db.port", "empty", "optional" }, record["owned_keys"]);

        await sink.ApplyAsync(DirectChanges.Target(destination, "config/other.yaml"), DirectChanges.Of([("other", "o")]),
            DirectChanges.Provenance(["other"], file: "config/other.yaml"));
        document = Stored(destination)!;
        Assert.Equal(new BsonInt64(2), document["revision"]);
        Assert.Equal([Owner, "contract:config/other.yaml"], document["provenance"].AsBsonDocument.Names);
        Assert.Equal(5, document["data"].AsBsonDocument.ElementCount);
    }

    [Fact]
    public async Task An_apply_is_one_find_and_one_replace()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));
        Assert.Equal(["find", "insert"], _server.DataCommands.Select(c => c.Name));

        _server.ClearCommands();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("b", "2")], removals: ["a"]), DirectChanges.Provenance(["b"], "c2"));
        Assert.Equal(["find", "update"], _server.DataCommands.Select(c => c.Name));
        var update = _server.DataCommands[1].Command["updates"][0];
        Assert.Equal(new BsonDocument { { "_id", destination }, { "revision", 1L } }, update["q"]);
        Assert.False(update.AsBsonDocument.GetValue("upsert", false).AsBoolean);
        Assert.Equal(new BsonDocument("b", "2"), Stored(destination)!["data"]);
    }

    [Fact]
    public async Task A_revision_bumped_by_a_concurrent_writer_fails_the_write_clearly_and_keeps_their_document()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));
        var theirs = Stored(destination)!;
        theirs["data"]["a"] = "theirs";
        theirs["revision"] = 2L;
        _server.BeforeNextWrite(() => _server.Put(MongoTestSinks.Database, Collection, theirs));

        var error = await Assert.ThrowsAsync<DestinationChangedException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "ours")]), DirectChanges.Provenance(["a"], "c2")));

        Assert.Equal($"the document of destination '{destination}' in vartrack.files changed while VarTrack was writing it (expected revision 1); nothing written", error.Message);
        Assert.Equal("theirs", Stored(destination)!["data"]["a"].AsString);
    }

    [Fact]
    public async Task A_document_created_or_deleted_meanwhile_fails_the_write_clearly()
    {
        var sink = await SinkAsync();
        var created = NewDestination();
        _server.BeforeNextWrite(() => _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", created }, { "data", new BsonDocument("x", "theirs") }, { "revision", 1L } }));
        var error = await Assert.ThrowsAsync<DestinationChangedException>(() =>
            sink.ApplyAsync(DirectChanges.Target(created), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"])));
        Assert.Equal($"the document of destination '{created}' in vartrack.files was created by someone else while VarTrack was writing it; nothing written", error.Message);
        Assert.Equal(new BsonDocument("x", "theirs"), Stored(created)!["data"]);

        var deleted = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(deleted), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));
        _server.BeforeNextWrite(() => _server.Delete(MongoTestSinks.Database, Collection, deleted));
        error = await Assert.ThrowsAsync<DestinationChangedException>(() =>
            sink.ApplyAsync(DirectChanges.Target(deleted), DirectChanges.Of([("a", "2")]), DirectChanges.Provenance(["a"], "c2")));
        Assert.Equal($"the document of destination '{deleted}' in vartrack.files changed while VarTrack was writing it (expected revision 1); nothing written", error.Message);
        Assert.Null(Stored(deleted));
    }

    [Fact]
    public async Task A_concurrent_edit_fails_the_sync_and_the_executor_reports_it()
    {
        var sink = await SinkAsync();
        var harness = new SinkTestHarness(sink, "mongodb");
        var destination = NewDestination();
        Assert.True((await harness.Executor().RunAsync(harness.Job(destination, new Dictionary<string, string?> { ["a"] = "1" }))).Succeeded);
        var theirs = Stored(destination)!;
        theirs["revision"] = 9L;
        _server.BeforeNextWrite(() => _server.Put(MongoTestSinks.Database, Collection, theirs));

        var report = await harness.Executor().RunAsync(harness.Job(destination, new Dictionary<string, string?> { ["a"] = "2" }, commit: "c2"));

        Assert.False(report.Succeeded);
        Assert.Equal(SinkOutcome.Failed, report.Sinks.Single().Outcome);
        Assert.Equal($"sink 'primary' (mongodb) destination '{destination}': the document of destination '{destination}' in vartrack.files changed while VarTrack was writing it (expected revision 1); nothing written",
            report.Sinks.Single().Error);
        // Nothing was written, so nothing is "restored" over the other writer's document.
        Assert.Equal(new BsonInt64(9), Stored(destination)!["revision"]);
        Assert.Equal("1", (await sink.ReadAsync(DirectChanges.Target(destination))).Values["a"].Reveal());
    }

    [Fact]
    public async Task A_hand_made_document_without_revision_is_taken_over_conditionally_and_its_other_fields_kept()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", destination }, { "data", new BsonDocument { { "port", 80 }, { "name", "web" } } }, { "note", "owned by team x" } });

        var snapshot = await sink.ReadAsync(DirectChanges.Target(destination));
        Assert.Equal("80", snapshot.Values["port"].Reveal());
        Assert.Null(snapshot.Provenance);

        _server.ClearCommands();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("port", "8080")]), DirectChanges.Provenance(["port"]));
        var update = _server.DataCommands.Single(c => c.Name == "update").Command["updates"][0];
        Assert.Equal(new BsonDocument { { "_id", destination }, { "revision", new BsonDocument("$exists", false) } }, update["q"]);
        var document = Stored(destination)!;
        Assert.Equal(new BsonDocument { { "name", "web" }, { "port", "8080" } }, document["data"]);
        Assert.Equal("owned by team x", document["note"].AsString);
        Assert.Equal(new BsonInt64(1), document["revision"]);
    }

    [Theory]
    [InlineData("$set", "may not start with '$'")]
    [InlineData("", "may not be empty")]
    [InlineData("a\0b", "may not contain a NUL character")]
    public async Task Keys_that_cannot_be_field_names_are_refused_before_anything_is_written(string key, string reason)
    {
        var sink = await SinkAsync();
        var destination = NewDestination();

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("fine", "1"), (key, "x")]), DirectChanges.Provenance(["fine", key])));

        Assert.Equal($"key '{key}' cannot be stored in MongoDB file mode at destination '{destination}': a field name {reason}; use mode 'document' for such keys",
            error.Problems.Single().Message);
        Assert.Equal(key, error.Problems.Single().Key);
        Assert.Empty(_server.DataCommands);
        Assert.Null(Stored(destination));
    }

    [Fact]
    public async Task Keys_with_dots_and_inner_dollars_are_stored_as_field_names()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a.b.c", "1"), ("price.$usd", "2"), ("ключ.名前", "3")]),
            DirectChanges.Provenance(["a.b.c", "price.$usd", "ключ.名前"]));

        Assert.Equal(["a.b.c", "price.$usd", "ключ.名前"], Stored(destination)!["data"].AsBsonDocument.Names);
        Assert.Equal("2", (await sink.ReadAsync(DirectChanges.Target(destination))).Values["price.$usd"].Reveal());
    }

    [Fact]
    public async Task Restoring_a_destination_nobody_had_written_deletes_its_document()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));

        await sink.RestoreAsync(DirectChanges.Target(destination), VarTrack.Core.Planning.Snapshot.Empty);

        Assert.Null(Stored(destination));
        Assert.Equal("delete", _server.DataCommands.Last().Name);
    }

    [Theory]
    [InlineData("garbage", "provenance record at mongodb vartrack.files document '{0}' field 'provenance' (owner 'contract:config/app.yaml') is not valid")]
    [InlineData(7, "provenance record at mongodb vartrack.files document '{0}' field 'provenance' (owner 'contract:config/app.yaml') is not valid: expected a document or a JSON string, found int32")]
    public async Task A_corrupt_provenance_record_is_a_clear_error(object record, string expected)
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument
        {
            { "_id", destination }, { "data", new BsonDocument("a", "1") }, { "provenance", new BsonDocument(Owner, BsonValue.Create(record)) }, { "revision", 1L },
        });

        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.StartsWith(string.Format(expected, destination), error.Message);
    }

    [Fact]
    public async Task A_document_whose_data_provenance_or_revision_has_the_wrong_type_is_a_clear_error()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", destination }, { "data", "a=1" } });
        var error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.Equal($"document '{destination}' in vartrack.files is not a VarTrack file document: 'data' must be a document of key -> value, found string", error.Message);

        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", destination }, { "data", new BsonDocument() }, { "provenance", new BsonArray() } });
        error = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(DirectChanges.Target(destination)));
        Assert.Equal($"provenance records at mongodb vartrack.files document '{destination}' field 'provenance' are not valid: expected a document of owner -> record, found array", error.Message);

        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument { { "_id", destination }, { "data", new BsonDocument() }, { "revision", "seven" } });
        error = await Assert.ThrowsAsync<VarTrackException>(() =>
            sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"])));
        Assert.Equal($"document '{destination}' in vartrack.files is not a VarTrack file document: 'revision' must be a number, found string", error.Message);
        Assert.Equal("seven", Stored(destination)!["revision"].AsString);
    }

    [Fact]
    public async Task Other_owners_records_are_kept_even_when_they_are_unreadable()
    {
        var sink = await SinkAsync();
        var destination = NewDestination();
        _server.Put(MongoTestSinks.Database, Collection, new BsonDocument
        {
            { "_id", destination }, { "data", new BsonDocument("theirs", "1") }, { "provenance", new BsonDocument("other:file.yaml", "not a record") }, { "revision", 3L },
        });

        await sink.ApplyAsync(DirectChanges.Target(destination), DirectChanges.Of([("a", "1")]), DirectChanges.Provenance(["a"]));

        var document = Stored(destination)!;
        Assert.Equal("not a record", document["provenance"]["other:file.yaml"].AsString);
        Assert.Equal(new BsonInt64(4), document["revision"]);
        Assert.Equal(new BsonDocument { { "a", "1" }, { "theirs", "1" } }, document["data"]);
    }
}

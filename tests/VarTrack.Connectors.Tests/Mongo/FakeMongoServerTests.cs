using MongoDB.Bson;
using MongoDB.Driver;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>The fake speaks enough of the wire protocol for the real driver, and reports what it does not support.</summary>
public sealed class FakeMongoServerTests : IAsyncLifetime
{
    private readonly FakeMongoServer _server = FakeMongoServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_real_driver_inserts_finds_replaces_and_deletes()
    {
        using var client = new MongoClient(_server.ConnectionString());
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("things");
        await collection.InsertOneAsync(new BsonDocument { { "_id", "a" }, { "n", 1 } });
        await collection.ReplaceOneAsync(new BsonDocument("_id", "b"), new BsonDocument { { "_id", "b" }, { "n", 2 } }, new ReplaceOptions { IsUpsert = true });
        Assert.Equal(2, (await collection.Find(new BsonDocument()).ToListAsync()).Count);
        Assert.Equal(2, (await collection.Find(new BsonDocument("_id", "b")).FirstAsync())["n"].AsInt32);
        Assert.Equal(1, (await collection.DeleteOneAsync(new BsonDocument("_id", "a"))).DeletedCount);
        Assert.Equal(["b"], _server.Documents("db", "things").Select(d => d["_id"].AsString));
    }

    [Fact]
    public async Task Connections_start_with_a_legacy_op_query_handshake_and_continue_with_op_msg()
    {
        using var client = new MongoClient(_server.ConnectionString());
        await client.GetDatabase("db").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));

        foreach (var connection in _server.Commands.GroupBy(c => c.ConnectionId))
        {
            var first = connection.First();
            Assert.Equal(("isMaster", FakeMongoWire.OpQuery, "admin"), (first.Name, first.OpCode, first.Database));
            Assert.True(first.Command["helloOk"].AsBoolean);
            Assert.All(connection.Skip(1), c => Assert.Equal(FakeMongoWire.OpMsg, c.OpCode));
        }
        Assert.Contains(_server.Commands, c => c.Name == "ping" && c.OpCode == FakeMongoWire.OpMsg && c.Database == "db");
    }

    [Fact]
    public async Task Unknown_commands_and_unsupported_options_are_errors_naming_them()
    {
        using var client = new MongoClient(_server.ConnectionString());
        var database = client.GetDatabase("db");
        var unknown = await Assert.ThrowsAsync<MongoCommandException>(() => database.RunCommandAsync<BsonDocument>(new BsonDocument("frobnicate", 1)));
        Assert.Equal((59, "no such command: 'frobnicate'"), (unknown.Code, unknown.ErrorMessage));

        var collection = database.GetCollection<BsonDocument>("things");
        await collection.InsertOneAsync(new BsonDocument("_id", 1));
        var sort = await Assert.ThrowsAsync<MongoCommandException>(() => collection.Find(new BsonDocument()).Sort(new BsonDocument("x", 1)).ToListAsync());
        Assert.Contains("'sort'", sort.ErrorMessage);
        var update = await Assert.ThrowsAsync<MongoCommandException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("x", 1))));
        Assert.Contains("replacement-style updates only", update.ErrorMessage);
    }

    [Fact]
    public async Task Cursors_page_with_get_more_and_are_killed_when_abandoned()
    {
        using var client = new MongoClient(_server.ConnectionString());
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("things");
        await collection.InsertManyAsync(Enumerable.Range(0, 5).Select(i => new BsonDocument { { "_id", i }, { "group", i % 2 } }));

        Assert.Equal([0, 2, 4], (await collection.Find(new BsonDocument("group", 0)).ToListAsync()).Select(d => d["_id"].AsInt32));
        Assert.Equal(5, (await collection.Find(new BsonDocument()).Limit(10).ToListAsync()).Count);
        _server.ClearCommands();
        Assert.Equal(5, (await collection.Find(new BsonDocument(), new FindOptions { BatchSize = 2 }).ToListAsync()).Count);
        Assert.Equal(["find", "getMore", "getMore"], _server.DataCommands.Select(c => c.Name));

        _server.ClearCommands();
        using (var cursor = await collection.Find(new BsonDocument(), new FindOptions { BatchSize = 2 }).ToCursorAsync())
            Assert.True(await cursor.MoveNextAsync());
        Assert.Equal(["find", "killCursors"], _server.DataCommands.Select(c => c.Name));
    }

    [Fact]
    public async Task Duplicate_ids_are_duplicate_key_write_errors()
    {
        using var client = new MongoClient(_server.ConnectionString());
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("things");
        await collection.InsertOneAsync(new BsonDocument("_id", "a"));

        var error = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument("_id", "a")));

        Assert.Equal(ServerErrorCategory.DuplicateKey, error.WriteError.Category);
        Assert.Equal("E11000 duplicate key error collection: db.things index: _id_ dup key: { _id: \"a\" }", error.WriteError.Message);
    }

    [Fact]
    public async Task Drop_removes_a_collection_and_dropping_a_missing_one_is_harmless()
    {
        using var client = new MongoClient(_server.ConnectionString());
        var database = client.GetDatabase("db");
        await database.GetCollection<BsonDocument>("things").InsertOneAsync(new BsonDocument("_id", 1));

        await database.DropCollectionAsync("things");
        await database.DropCollectionAsync("things");

        Assert.Empty(_server.Documents("db", "things"));
        // listIndexes on a missing collection answers NamespaceNotFound, which the driver turns into an empty list.
        Assert.Empty(await (await database.GetCollection<BsonDocument>("things").Indexes.ListAsync()).ToListAsync());
        Assert.Equal(2, _server.DataCommands.Count(c => c.Name == "drop"));
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>
/// An in-process MongoDB on a real TCP port of 127.0.0.1, speaking the wire protocol to the real driver: OP_QUERY +
/// OP_REPLY for the driver's connection handshake (isMaster, then saslStart/saslContinue when authenticating, which
/// the driver sends before it knows the server takes OP_MSG), OP_MSG (sections of kind 0 and 1) for everything else. It presents
/// itself as a standalone server with wire version 21 (MongoDB 7.0) and keeps documents in memory per database and
/// collection. Commands: hello/isMaster, ping, buildInfo, endSessions, saslStart/saslContinue (SCRAM-SHA-256 against
/// the users it was started with), find (equality filters, limit, batchSize, singleBatch), getMore, killCursors,
/// insert, update (replacement documents only, upsert, one document per statement), delete, createIndexes
/// (idempotent), listIndexes and drop. Anything else is answered with CommandNotFound naming the command, and
/// unsupported options with BadValue naming the option, so a gap shows as a failing test.
/// Faults for tests: fail the next N write commands with a given error, drop the connection or never answer instead,
/// or run a concurrent edit just before the next write is applied.
/// Not modelled: transactions, retryable-write bookkeeping, update operators, sort/projection, secondary indexes
/// (definitions only), compression, TLS, the streaming monitor protocol (no topologyVersion, so the driver polls).
/// </summary>
public sealed class FakeMongoServer : IAsyncDisposable
{
    public const int MaxWireVersion = 21;
    private const int DefaultFirstBatch = 101;
    private const int MaxBatchBytes = 16 * 1024 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Database, string Collection), FakeMongoCollection> _collections = [];
    private readonly Dictionary<long, Cursor> _cursors = [];
    private readonly ConcurrentQueue<ReceivedCommand> _commands = new();
    private readonly ConcurrentDictionary<int, TcpClient> _clients = new();
    private readonly Dictionary<string, string> _users;
    private readonly Task _acceptLoop;
    private int _connectionIds;
    private long _cursorIds;
    private int _failWrites;
    private FakeMongoCommandError? _writeError;
    private int _dropOnWrites;
    private int _stallWrites;
    private Action? _beforeNextWrite;

    private FakeMongoServer(IReadOnlyDictionary<string, string> users)
    {
        _users = new Dictionary<string, string>(users, StringComparer.Ordinal);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>True when users were given: every data command then needs an authenticated connection.</summary>
    public bool RequiresAuthentication => _users.Count > 0;

    /// <summary>Starts a server; with <paramref name="users"/> (name -> password, auth database admin) it requires SCRAM-SHA-256.</summary>
    public static FakeMongoServer Start(IReadOnlyDictionary<string, string>? users = null) => new(users ?? new Dictionary<string, string>());

    /// <summary>A connection string for this server with short timeouts, optionally with credentials.</summary>
    public string ConnectionString(string? user = null, string? password = null)
    {
        var credentials = user is null ? "" : $"{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password ?? "")}@";
        return $"mongodb://{credentials}127.0.0.1:{Port}/?serverSelectionTimeoutMS=5000&connectTimeoutMS=5000";
    }

    /// <summary>Every command received so far, in arrival order (handshakes and heartbeats included).</summary>
    public IReadOnlyList<ReceivedCommand> Commands => _commands.ToArray();

    /// <summary>Commands other than the driver's connection chatter (hello, auth, endSessions).</summary>
    public IReadOnlyList<ReceivedCommand> DataCommands =>
        Commands.Where(c => c.Name is not ("hello" or "isMaster" or "ismaster" or "saslStart" or "saslContinue" or "endSessions" or "ping" or "buildInfo")).ToList();

    public void ClearCommands() => _commands.Clear();

    public int OpenConnections => _clients.Count;

    /// <summary>A copy of every document in a collection (empty if it does not exist).</summary>
    public IReadOnlyList<BsonDocument> Documents(string database, string collection)
    {
        lock (_gate)
        {
            return _collections.TryGetValue((database, collection), out var c) ? c.Documents.Select(d => d.DeepClone().AsBsonDocument).ToList() : [];
        }
    }

    public BsonDocument? Document(string database, string collection, BsonValue id)
    {
        lock (_gate)
        {
            return _collections.TryGetValue((database, collection), out var c)
                ? c.Matching(new BsonDocument("_id", id)).FirstOrDefault()?.DeepClone().AsBsonDocument
                : null;
        }
    }

    public IReadOnlyList<BsonDocument> Indexes(string database, string collection)
    {
        lock (_gate)
        {
            return _collections.TryGetValue((database, collection), out var c) ? c.Indexes.Select(i => i.DeepClone().AsBsonDocument).ToList() : [];
        }
    }

    /// <summary>Stores a document as someone editing by hand would (insert or replace by _id).</summary>
    public void Put(string database, string collection, BsonDocument document)
    {
        lock (_gate)
        {
            Collection(database, collection, create: true)!.Replace(document.DeepClone().AsBsonDocument);
        }
    }

    /// <summary>Deletes a document by _id as someone editing by hand would.</summary>
    public void Delete(string database, string collection, BsonValue id)
    {
        lock (_gate)
        {
            Collection(database, collection, create: false)?.Remove(id);
        }
    }

    /// <summary>The next <paramref name="count"/> insert/update/delete commands fail with this command error.</summary>
    public void FailNextWrites(int count, int code = 91, string codeName = "ShutdownInProgress", string message = "The server is in quiesce mode and will shut down")
    {
        lock (_gate)
        {
            _writeError = new FakeMongoCommandError(code, codeName, message);
            _failWrites = count;
        }
    }

    /// <summary>The next <paramref name="count"/> write commands are not answered: the connection is closed instead.</summary>
    public void DropConnectionOnNextWrites(int count)
    {
        lock (_gate)
        {
            _dropOnWrites = count;
        }
    }

    /// <summary>The next <paramref name="count"/> write commands are never answered (the connection stays open), as a hung server.</summary>
    public void StallNextWrites(int count)
    {
        lock (_gate)
        {
            _stallWrites = count;
        }
    }

    /// <summary>Runs <paramref name="edit"/> when the next write command arrives, before it is applied: a concurrent writer winning the race.</summary>
    public void BeforeNextWrite(Action edit)
    {
        lock (_gate)
        {
            _beforeNextWrite = edit;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients.Values) client.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopping: the accept loop ends with whatever the closed listener threw.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            var connection = new Connection(Interlocked.Increment(ref _connectionIds), new FakeScramConversation(_users));
            _clients[connection.Id] = client;
            _ = Task.Run(() => ServeAsync(client, connection));
        }
    }

    private async Task ServeAsync(TcpClient client, Connection connection)
    {
        try
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                var request = await FakeMongoWire.ReadAsync(stream, _stop.Token);
                if (request is null) break;
                if (IsStalled(request)) await Task.Delay(Timeout.Infinite, _stop.Token);
                var reply = Handle(request, connection);
                if (reply is null) break; // fault injection: drop the connection without an answer
                if (request.MoreToCome) continue;
                var bytes = request.OpCode == FakeMongoWire.OpQuery
                    ? FakeMongoWire.EncodeReply(request.RequestId, reply)
                    : FakeMongoWire.EncodeMessage(request.RequestId, reply);
                await stream.WriteAsync(bytes, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
        {
            // The client went away or sent something unreadable: end this connection like mongod would.
        }
        finally
        {
            _clients.TryRemove(connection.Id, out _);
            client.Dispose();
        }
    }

    private BsonDocument? Handle(FakeMongoRequest request, Connection connection)
    {
        var name = request.CommandName;
        _commands.Enqueue(new ReceivedCommand(connection.Id, request.OpCode, request.Database, name, request.Command));
        try
        {
            if (request.OpCode is not (FakeMongoWire.OpMsg or FakeMongoWire.OpQuery))
                throw new FakeMongoCommandError(2, "BadValue", $"fake MongoDB does not support opcode {request.Command[0]}");
            // mongod 6+ takes OP_QUERY only for the handshake; the driver also authenticates over it before OP_MSG is agreed.
            if (request.OpCode == FakeMongoWire.OpQuery && name is not ("isMaster" or "ismaster" or "hello" or "saslStart" or "saslContinue"))
                throw new FakeMongoCommandError(352, "UnsupportedOpQueryCommand", $"Unsupported OP_QUERY command: {name}");

            switch (name)
            {
                case "hello" or "isMaster" or "ismaster":
                    return Hello(request.Command, legacy: name != "hello", connection);
                case "ping":
                    return Ok();
                case "buildInfo" or "buildinfo":
                    return Ok(new BsonDocument { { "version", "7.0.0" }, { "versionArray", new BsonArray { 7, 0, 0, 0 } }, { "maxBsonObjectSize", 16 * 1024 * 1024 } });
                case "endSessions":
                    return Ok();
                case "saslStart":
                    return SaslStart(request.Command, connection);
                case "saslContinue":
                    return SaslContinue(request.Command, connection);
            }

            if (RequiresAuthentication && !connection.Authenticated)
                throw new FakeMongoCommandError(13, "Unauthorized", $"Command {name} requires authentication");

            if (name is "insert" or "update" or "delete")
            {
                Action? edit;
                lock (_gate)
                {
                    edit = _beforeNextWrite;
                    _beforeNextWrite = null;
                }
                edit?.Invoke();
                lock (_gate)
                {
                    if (_dropOnWrites > 0)
                    {
                        _dropOnWrites--;
                        return null;
                    }
                    if (_failWrites > 0)
                    {
                        _failWrites--;
                        throw _writeError!;
                    }
                }
            }

            lock (_gate)
            {
                return name switch
                {
                    "find" => Find(request.Database, request.Command),
                    "getMore" => GetMore(request.Command),
                    "killCursors" => KillCursors(request.Command),
                    "insert" => Insert(request.Database, request.Command),
                    "update" => Update(request.Database, request.Command),
                    "delete" => Delete(request.Database, request.Command),
                    "createIndexes" => CreateIndexes(request.Database, request.Command),
                    "listIndexes" => ListIndexes(request.Database, request.Command),
                    "drop" => Drop(request.Database, request.Command),
                    _ => throw new FakeMongoCommandError(59, "CommandNotFound", $"no such command: '{name}'"),
                };
            }
        }
        catch (FakeMongoCommandError error)
        {
            return new BsonDocument { { "ok", 0.0 }, { "errmsg", error.Message }, { "code", error.Code }, { "codeName", error.CodeName } };
        }
    }

    private bool IsStalled(FakeMongoRequest request)
    {
        if (request.CommandName is not ("insert" or "update" or "delete")) return false;
        lock (_gate)
        {
            if (_stallWrites == 0) return false;
            _stallWrites--;
            return true;
        }
    }

    private BsonDocument Hello(BsonDocument command, bool legacy, Connection connection)
    {
        var reply = new BsonDocument
        {
            { legacy ? "ismaster" : "isWritablePrimary", true },
            { "helloOk", true },
            { "maxBsonObjectSize", 16 * 1024 * 1024 },
            { "maxMessageSizeBytes", 48_000_000 },
            { "maxWriteBatchSize", 100_000 },
            { "localTime", DateTime.UtcNow },
            { "logicalSessionTimeoutMinutes", 30 },
            { "connectionId", connection.Id },
            { "minWireVersion", 0 },
            { "maxWireVersion", MaxWireVersion },
            { "readOnly", false },
        };
        // Mechanism negotiation: the driver asks for "db.user"; mongod answers only for users it knows.
        if (command.TryGetValue("saslSupportedMechs", out var requested) && requested.IsString)
        {
            var user = requested.AsString[(requested.AsString.IndexOf('.') + 1)..];
            if (_users.ContainsKey(user)) reply["saslSupportedMechs"] = new BsonArray { "SCRAM-SHA-256" };
        }
        return Ok(reply);
    }

    private static BsonDocument SaslStart(BsonDocument command, Connection connection)
    {
        if (command.GetValue("mechanism", "").AsString != "SCRAM-SHA-256") throw FakeScramConversation.Failed();
        var payload = connection.Scram.Start(command["payload"].AsByteArray);
        connection.ConversationId++;
        return Ok(new BsonDocument { { "conversationId", connection.ConversationId }, { "done", false }, { "payload", payload } });
    }

    private static BsonDocument SaslContinue(BsonDocument command, Connection connection)
    {
        if (command.GetValue("conversationId", -1).ToInt32() != connection.ConversationId) throw FakeScramConversation.Failed();
        var payload = command["payload"].AsByteArray;
        if (connection.Authenticated && payload.Length == 0)
            return Ok(new BsonDocument { { "conversationId", connection.ConversationId }, { "done", true }, { "payload", Array.Empty<byte>() } });
        var serverFinal = connection.Scram.Finish(payload);
        connection.Authenticated = true;
        return Ok(new BsonDocument { { "conversationId", connection.ConversationId }, { "done", true }, { "payload", serverFinal } });
    }

    private BsonDocument Find(string database, BsonDocument command)
    {
        var collectionName = command["find"].AsString;
        foreach (var option in new[] { "sort", "projection", "skip", "hint", "collation", "min", "max", "returnKey", "showRecordId", "tailable", "awaitData" })
            if (command.TryGetValue(option, out var value) && !(value is BsonDocument d && d.ElementCount == 0) && !value.Equals(BsonBoolean.False) && !(value.IsNumeric && value.ToInt64() == 0))
                throw FakeMongoCommandError.BadValue($"fake MongoDB does not support the find option '{option}'");

        var filter = command.GetValue("filter", new BsonDocument()).AsBsonDocument;
        var limit = Math.Abs(command.GetValue("limit", 0).ToInt64());
        var singleBatch = command.GetValue("singleBatch", false).ToBoolean() || command.GetValue("limit", 0).ToInt64() < 0;
        int? batchSize = command.TryGetValue("batchSize", out var b) ? b.ToInt32() : null;

        var matches = (Collection(database, collectionName, create: false)?.Matching(filter) ?? [])
            .Select(d => d.DeepClone().AsBsonDocument);
        if (limit > 0) matches = matches.Take((int)limit);
        var cursor = new Cursor($"{database}.{collectionName}", new Queue<BsonDocument>(matches.ToList()), batchSize);
        var firstBatch = cursor.Next(batchSize ?? DefaultFirstBatch);
        return CursorReply(cursor, firstBatch, "firstBatch", keepOpen: !singleBatch);
    }

    private BsonDocument GetMore(BsonDocument command)
    {
        var id = command["getMore"].ToInt64();
        if (!_cursors.TryGetValue(id, out var cursor))
            throw new FakeMongoCommandError(43, "CursorNotFound", $"cursor id {id} not found");
        _cursors.Remove(id);
        int? batchSize = command.TryGetValue("batchSize", out var b) ? b.ToInt32() : cursor.BatchSize;
        var batch = cursor.Next(batchSize ?? int.MaxValue);
        return CursorReply(cursor, batch, "nextBatch", keepOpen: true, id);
    }

    private BsonDocument KillCursors(BsonDocument command)
    {
        var killed = new BsonArray();
        var notFound = new BsonArray();
        foreach (var id in command["cursors"].AsBsonArray)
            (_cursors.Remove(id.ToInt64()) ? killed : notFound).Add(id);
        return Ok(new BsonDocument { { "cursorsKilled", killed }, { "cursorsNotFound", notFound }, { "cursorsAlive", new BsonArray() }, { "cursorsUnknown", new BsonArray() } });
    }

    private BsonDocument CursorReply(Cursor cursor, BsonArray batch, string batchName, bool keepOpen, long? existingId = null)
    {
        long id = 0;
        if (keepOpen && cursor.Remaining.Count > 0)
        {
            id = existingId ?? Interlocked.Increment(ref _cursorIds);
            _cursors[id] = cursor;
        }
        return Ok(new BsonDocument { { "cursor", new BsonDocument { { batchName, batch }, { "id", id }, { "ns", cursor.Namespace } } } });
    }

    private BsonDocument Insert(string database, BsonDocument command)
    {
        var collection = Collection(database, command["insert"].AsString, create: true)!;
        var ordered = command.GetValue("ordered", true).ToBoolean();
        var errors = new BsonArray();
        var n = 0;
        var documents = command.GetValue("documents", new BsonArray()).AsBsonArray;
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i].AsBsonDocument;
            if (!document.Contains("_id")) document.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
            if (collection.TryInsert(document)) n++;
            else
            {
                errors.Add(WriteError(i, 11000, collection.DuplicateKeyMessage(document["_id"])));
                if (ordered) break;
            }
        }
        return WriteReply(new BsonDocument("n", n), errors);
    }

    private BsonDocument Update(string database, BsonDocument command)
    {
        var collection = Collection(database, command["update"].AsString, create: true)!;
        var ordered = command.GetValue("ordered", true).ToBoolean();
        var errors = new BsonArray();
        var upserted = new BsonArray();
        var matched = 0;
        var modified = 0;
        var statements = command.GetValue("updates", new BsonArray()).AsBsonArray;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i].AsBsonDocument;
            if (statement.GetValue("multi", false).ToBoolean())
                throw FakeMongoCommandError.BadValue("fake MongoDB does not support multi updates");
            if (statement["u"] is not BsonDocument replacement || replacement.Names.Any(n => n.StartsWith('$')))
                throw FakeMongoCommandError.BadValue("fake MongoDB supports replacement-style updates only (no update operators or pipelines)");
            var filter = statement["q"].AsBsonDocument;
            var target = collection.Matching(filter).FirstOrDefault();
            if (target is not null)
            {
                if (replacement.TryGetValue("_id", out var newId) && !newId.Equals(target["_id"]))
                {
                    errors.Add(WriteError(i, 66, "After applying the update, the (immutable) field '_id' was found to have been altered"));
                    if (ordered) break;
                    continue;
                }
                var next = new BsonDocument("_id", target["_id"]);
                foreach (var element in replacement.Where(e => e.Name != "_id")) next.Add(element);
                matched++;
                if (!next.Equals(target)) modified++;
                collection.Replace(next);
            }
            else if (statement.GetValue("upsert", false).ToBoolean())
            {
                var id = replacement.GetValue("_id", null) ?? FakeMongoFilter.EqualityId(filter) ?? ObjectId.GenerateNewId();
                var next = new BsonDocument("_id", id);
                foreach (var element in replacement.Where(e => e.Name != "_id")) next.Add(element);
                if (!collection.TryInsert(next))
                {
                    errors.Add(WriteError(i, 11000, collection.DuplicateKeyMessage(id)));
                    if (ordered) break;
                    continue;
                }
                upserted.Add(new BsonDocument { { "index", i }, { "_id", id } });
            }
        }
        var reply = new BsonDocument { { "n", matched + upserted.Count }, { "nModified", modified } };
        if (upserted.Count > 0) reply["upserted"] = upserted;
        return WriteReply(reply, errors);
    }

    private BsonDocument Delete(string database, BsonDocument command)
    {
        var collection = Collection(database, command["delete"].AsString, create: false);
        var n = 0;
        foreach (var statement in command.GetValue("deletes", new BsonArray()).AsBsonArray.Select(s => s.AsBsonDocument))
        {
            if (collection is null) continue;
            var filter = statement["q"].AsBsonDocument;
            var matches = collection.Matching(filter).ToList();
            if (statement.GetValue("limit", 0).ToInt32() == 1) matches = matches.Take(1).ToList();
            foreach (var document in matches)
                if (collection.Remove(document["_id"])) n++;
        }
        return WriteReply(new BsonDocument("n", n), []);
    }

    private BsonDocument CreateIndexes(string database, BsonDocument command)
    {
        var name = command["createIndexes"].AsString;
        var created = Collection(database, name, create: false) is null;
        var collection = Collection(database, name, create: true)!;
        var before = collection.Indexes.Count;
        foreach (var specification in command["indexes"].AsBsonArray.Select(i => i.AsBsonDocument))
        {
            if (!specification.Contains("key") || !specification.Contains("name"))
                throw FakeMongoCommandError.BadValue("index specification needs 'key' and 'name'");
            collection.AddIndex(specification);
        }
        var reply = new BsonDocument { { "numIndexesBefore", before }, { "numIndexesAfter", collection.Indexes.Count }, { "createdCollectionAutomatically", created } };
        if (collection.Indexes.Count == before) reply["note"] = "all indexes already exist";
        return Ok(reply);
    }

    private BsonDocument ListIndexes(string database, BsonDocument command)
    {
        var name = command["listIndexes"].AsString;
        var collection = Collection(database, name, create: false) ?? throw FakeMongoCommandError.NamespaceNotFound($"ns does not exist: {database}.{name}");
        var cursor = new Cursor(collection.Namespace, new Queue<BsonDocument>(collection.Indexes.Select(i => i.DeepClone().AsBsonDocument)), null);
        return CursorReply(cursor, cursor.Next(int.MaxValue), "firstBatch", keepOpen: false);
    }

    private BsonDocument Drop(string database, BsonDocument command)
    {
        var name = command["drop"].AsString;
        var collection = Collection(database, name, create: false) ?? throw FakeMongoCommandError.NamespaceNotFound("ns not found");
        _collections.Remove((database, name));
        return Ok(new BsonDocument { { "ns", collection.Namespace }, { "nIndexesWas", collection.Indexes.Count } });
    }

    private FakeMongoCollection? Collection(string database, string name, bool create)
    {
        if (_collections.TryGetValue((database, name), out var collection)) return collection;
        if (!create) return null;
        if (database.Length == 0 || name.Length == 0 || name.Contains('$'))
            throw new FakeMongoCommandError(73, "InvalidNamespace", $"Invalid namespace specified '{database}.{name}'");
        return _collections[(database, name)] = new FakeMongoCollection(database, name);
    }

    private static BsonDocument WriteError(int index, int code, string message) =>
        new() { { "index", index }, { "code", code }, { "errmsg", message } };

    private static BsonDocument WriteReply(BsonDocument reply, BsonArray errors)
    {
        if (errors.Count > 0) reply["writeErrors"] = errors;
        return Ok(reply);
    }

    private static BsonDocument Ok(BsonDocument? reply = null)
    {
        reply ??= [];
        reply["ok"] = 1.0;
        return reply;
    }

    private sealed class Connection(int id, FakeScramConversation scram)
    {
        public int Id { get; } = id;
        public FakeScramConversation Scram { get; } = scram;
        public int ConversationId { get; set; }
        public bool Authenticated { get; set; }
    }

    private sealed class Cursor(string ns, Queue<BsonDocument> remaining, int? batchSize)
    {
        public string Namespace { get; } = ns;
        public Queue<BsonDocument> Remaining { get; } = remaining;
        public int? BatchSize { get; } = batchSize;

        /// <summary>Up to <paramref name="count"/> documents, and never much more than 16 MiB, as mongod batches.</summary>
        public BsonArray Next(int count)
        {
            var batch = new BsonArray();
            var bytes = 0;
            while (batch.Count < count && Remaining.Count > 0)
            {
                var size = Remaining.Peek().ToBson().Length;
                if (batch.Count > 0 && bytes + size > MaxBatchBytes) break;
                bytes += size;
                batch.Add(Remaining.Dequeue());
            }
            return batch;
        }
    }
}

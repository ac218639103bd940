using MongoDB.Bson;
using MongoDB.Driver;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Mongo;

/// <summary>
/// One MongoClient and the collection a sink writes to, shared by both modes: creates the sink's indexes once (before
/// its first write; createIndexes is idempotent on the server, so other processes doing the same is harmless) and
/// turns driver failures into one-line errors that name the destination and the reason, never the connection string.
/// </summary>
internal sealed class MongoStore : IDisposable
{
    private readonly MongoClient _client;
    private readonly IReadOnlyList<CreateIndexModel<BsonDocument>> _indexes;
    private readonly SemaphoreSlim _indexGate = new(1, 1);
    private readonly string[] _secrets;
    private bool _indexesReady;

    public MongoStore(MongoClientSettings settings, string database, string collection, IReadOnlyList<CreateIndexModel<BsonDocument>> indexes)
    {
        _client = new MongoClient(settings);
        _indexes = indexes;
        _secrets = settings.Credential?.Evidence is PasswordEvidence evidence && evidence.ToInsecureString() is { Length: > 0 } password
            ? [password, Uri.EscapeDataString(password)]
            : [];
        Collection = _client.GetDatabase(database).GetCollection<BsonDocument>(collection);
        Namespace = $"{database}.{collection}";
    }

    public IMongoCollection<BsonDocument> Collection { get; }

    /// <summary><c>database.collection</c>, for messages.</summary>
    public string Namespace { get; }

    /// <summary>Runs a read, translating driver failures.</summary>
    public async Task<T> ReadAsync<T>(string destination, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, "reading", destination) is { } problem)
        {
            throw new VarTrackException(problem);
        }
    }

    /// <summary>Runs a write after making sure the indexes exist, translating driver failures.</summary>
    public async Task WriteAsync(string destination, Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureIndexesAsync(cancellationToken);
            await write(cancellationToken);
        }
        catch (Exception ex) when (Translate(ex, "writing", destination) is { } problem)
        {
            throw new VarTrackException(problem);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _indexGate.Dispose();
    }

    private async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        if (_indexes.Count == 0 || Volatile.Read(ref _indexesReady)) return;
        await _indexGate.WaitAsync(cancellationToken);
        try
        {
            if (_indexesReady) return;
            await Collection.Indexes.CreateManyAsync(_indexes, cancellationToken);
            Volatile.Write(ref _indexesReady, true);
        }
        finally
        {
            _indexGate.Release();
        }
    }

    /// <summary>The problem to report for a driver failure; null for failures that pass through (our own errors, cancellation).</summary>
    private Problem? Translate(Exception ex, string action, string destination)
    {
        if (ex is VarTrackException or DestinationChangedException or OperationCanceledException) return null;
        var where = $"{action} destination '{destination}' in {Namespace}";
        var reason = ex switch
        {
            _ when Find<MongoAuthenticationException>(ex) is { } auth =>
                $"MongoDB refused authentication while {where}: {Describe(auth)}",
            TimeoutException =>
                $"no MongoDB server was reachable within {_client.Settings.ServerSelectionTimeout.TotalSeconds:0.###}s while {where} ({HeartbeatFailure() ?? "no answer"})",
            MongoBulkWriteException<BsonDocument> bulk =>
                $"MongoDB rejected the write while {where}: {DescribeWriteErrors(bulk)}",
            MongoWriteException write =>
                $"MongoDB rejected the write while {where}: {write.WriteError?.Message ?? write.WriteConcernError?.Message} (code {write.WriteError?.Code ?? write.WriteConcernError?.Code})",
            MongoCommandException command =>
                $"MongoDB refused the command while {where}: {command.ErrorMessage} (code {command.Code} {command.CodeName})",
            MongoExecutionTimeoutException =>
                $"MongoDB timed out while {where}",
            MongoConnectionException connection when Find<TimeoutException>(connection) is not null =>
                $"MongoDB did not answer in time while {where} ({connection.GetBaseException().Message})",
            MongoConnectionException connection =>
                $"lost the connection to MongoDB while {where} ({connection.GetBaseException().Message})",
            MongoException or BsonException =>
                $"MongoDB failed while {where}: {ex.Message}",
            _ => null,
        };
        return reason is null ? null : new Problem(Scrub(reason));
    }

    private static string DescribeWriteErrors(MongoBulkWriteException<BsonDocument> bulk)
    {
        var first = bulk.WriteErrors.FirstOrDefault();
        if (first is not null)
            return $"{first.Message} (code {first.Code}{(bulk.WriteErrors.Count > 1 ? $", and {bulk.WriteErrors.Count - 1} more" : "")})";
        return bulk.WriteConcernError is { } concern ? $"{concern.Message} (code {concern.Code})" : bulk.Message;
    }

    private static string Describe(MongoAuthenticationException auth) =>
        Find<MongoCommandException>(auth) is { } command
            ? $"{command.ErrorMessage} (code {command.Code} {command.CodeName})"
            : auth.Message;

    private string? HeartbeatFailure() =>
        _client.Cluster.Description.Servers.Select(s => s.HeartbeatException?.GetBaseException().Message).FirstOrDefault(m => m is not null);

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T match) return match;
        return null;
    }

    private string Scrub(string message)
    {
        foreach (var secret in _secrets.Where(s => s.Length >= 3)) message = message.Replace(secret, "***", StringComparison.Ordinal);
        return message;
    }
}

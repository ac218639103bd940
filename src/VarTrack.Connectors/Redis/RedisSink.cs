using StackExchange.Redis;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// The Redis sink: one shared connection per sink, the layout chosen by <c>mode</c> (see <see cref="RedisHashMode"/>,
/// <see cref="RedisStringMode"/>, <see cref="RedisJsonMode"/>). Failures of the client become
/// <see cref="RedisSinkException"/>s naming the destination; a corrupt stored record stays a VarTrackException.
/// </summary>
public sealed class RedisSink : ISink, IAsyncDisposable
{
    private readonly RedisConnection _connection;
    private readonly int _database;
    private readonly RedisStorageMode _mode;

    internal RedisSink(RedisConnection connection, int database, RedisStorageMode mode)
    {
        _connection = connection;
        _database = database;
        _mode = mode;
    }

    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(target, "reading", database => _mode.ReadAsync(database, target), cancellationToken);

    public Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default) =>
        RunAsync(target, "writing", async database =>
        {
            await _mode.ApplyAsync(database, target, changes, provenance);
            return true;
        }, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    // Commands are not cancelled once sent (a half-sent transaction is worse than a finished one); the token is checked before.
    private async Task<T> RunAsync<T>(SinkTarget target, string action, Func<IDatabase, Task<T>> work, CancellationToken cancellationToken)
    {
        if (target.Destination.Length == 0)
            throw new RedisSinkException($"{action} redis destination failed: the destination is empty (check the sink's destination template)");
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await work(await _connection.DatabaseAsync(_database, cancellationToken));
        }
        catch (Exception ex) when (RedisFailure.IsRedis(ex))
        {
            throw RedisFailure.Describe(ex, action, target.Destination, _connection);
        }
    }
}

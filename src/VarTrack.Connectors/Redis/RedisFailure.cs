using StackExchange.Redis;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// Turns client library failures into one-line messages naming the destination and the reason. Library messages are
/// only passed on for server error replies (e.g. WRONGTYPE); connection errors are described from their failure type,
/// so no connection string, password or value can leak.
/// </summary>
internal static class RedisFailure
{
    public static bool IsRedis(Exception ex) => ex is RedisException or ObjectDisposedException;

    public static RedisSinkException Describe(Exception ex, string action, string destination, RedisConnection connection)
    {
        var reason = ex switch
        {
            RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } => connection.User is { } user
                ? $"authentication as user '{user}' was refused (check the user and password in the 'connection' setting)"
                : "authentication was refused (check the password in the 'connection' setting)",
            RedisConnectionException c when c.FailureType is ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection
                or ConnectionFailureType.SocketFailure or ConnectionFailureType.SocketClosed or ConnectionFailureType.ConnectionDisposed =>
                $"cannot connect to redis at {connection.Endpoints} ({Words(c.FailureType)}; is the server running and reachable?)",
            RedisConnectionException c => $"connection to redis at {connection.Endpoints} failed ({Words(c.FailureType)})",
            RedisTimeoutException => $"redis at {connection.Endpoints} did not answer in time",
            RedisServerException server => $"redis refused the command: {server.Message}",
            RedisException other => other.Message,
            ObjectDisposedException => "the sink is closed",
            _ => ex.Message,
        };
        return new RedisSinkException($"{action} redis destination '{destination}' failed: {reason}", ex);
    }

    private static string Words(ConnectionFailureType type) => type switch
    {
        ConnectionFailureType.UnableToConnect => "unable to connect",
        ConnectionFailureType.UnableToResolvePhysicalConnection => "no server available",
        ConnectionFailureType.SocketFailure => "socket failure",
        ConnectionFailureType.SocketClosed => "connection closed",
        _ => type.ToString(),
    };
}

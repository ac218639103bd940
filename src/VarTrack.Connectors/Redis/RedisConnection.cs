using System.Net;
using StackExchange.Redis;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// The one <see cref="ConnectionMultiplexer"/> of a sink, connected on first use: an unreachable server is then reported
/// against the destination being synced, and a failed attempt is retried on the next call instead of being remembered.
/// Once connected, the multiplexer reconnects by itself.
/// </summary>
internal sealed class RedisConnection(ConfigurationOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _multiplexer;
    private volatile bool _disposed;

    /// <summary>host:port of every configured endpoint (sentinels for a Sentinel setup); no credentials.</summary>
    public string Endpoints => string.Join(", ", options.EndPoints.Select(Describe));

    /// <summary>The ACL user of the connection string, if any (a user name is not a secret).</summary>
    public string? User => options.User;

    public async Task<IDatabase> DatabaseAsync(int database, CancellationToken cancellationToken)
    {
        var multiplexer = Volatile.Read(ref _multiplexer) ?? await ConnectAsync(cancellationToken);
        return multiplexer.GetDatabase(database);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_multiplexer is { } existing) return existing;
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(options.Clone());
            try
            {
                // Disposed while connecting (a host shutting down does not wait for a hung server): close what was opened.
                ObjectDisposedException.ThrowIf(_disposed, this);
                await CheckUserAsync(multiplexer);
            }
            catch
            {
                await multiplexer.DisposeAsync();
                throw;
            }
            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// When AUTH with an ACL user fails, the client still completes its handshake and carries on as the server's
    /// 'default' user if that one needs no password, so a wrong password would silently write as someone else.
    /// ACL WHOAMI catches that. A user not allowed to run it (NOPERM) is by that very fact not the open default user.
    /// </summary>
    private async Task CheckUserAsync(ConnectionMultiplexer multiplexer)
    {
        if (string.IsNullOrEmpty(options.User)) return;
        RedisResult whoAmI;
        try
        {
            whoAmI = await multiplexer.GetDatabase().ExecuteAsync("ACL", "WHOAMI");
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOPERM", StringComparison.Ordinal) || ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (!string.Equals((string?)whoAmI, options.User, StringComparison.Ordinal))
            throw new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, CommandFlags.None, "authenticated as another user than the configured one", null, CommandStatus.Unknown);
    }

    private static string Describe(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "?",
    };

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        // A connect in progress holds the gate; it sees _disposed when it finishes and closes its connection itself.
        if (!await _gate.WaitAsync(TimeSpan.Zero)) return;
        try
        {
            if (_multiplexer is { } multiplexer)
            {
                _multiplexer = null;
                await multiplexer.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

using System.Text;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// A compact async client for the ZooKeeper binary protocol (jute encoding over TCP), enough for VarTrack's sink:
/// create (persistent), exists, getData, setData, getChildren, delete, multi (create/setData/delete/check), addAuth
/// and close. Thread-safe; calls made concurrently are pipelined on one connection, so issuing many requests before
/// awaiting them costs about one round trip.
/// <para>
/// Connection string <c>host:port[,host:port...][/chroot]</c>: hosts are tried in order, the chroot (optional) is
/// prepended to every path sent and stripped from paths received. Watches are not supported (notifications are
/// skipped), nor are ephemeral or sequential znodes, ACL reads/changes, sync, SASL or TLS.
/// </para>
/// <para>
/// Reconnect: when the connection drops (or a request times out), the calls in flight fail and the next call opens a
/// new connection with a NEW session, replaying addAuth credentials. The old session is not resumed; nothing is lost
/// by that because this client creates no ephemeral znodes and sets no watches, the only state a session holds.
/// </para>
/// </summary>
public sealed class ZooKeeperClient : IAsyncDisposable
{
    private static readonly ZooKeeperErrorCode[] AnyError = Enum.GetValues<ZooKeeperErrorCode>();

    private readonly ZooKeeperClientOptions _options;
    private readonly ZooKeeperConnectionString _target;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly List<(string Scheme, byte[] Auth)> _auths = [];
    private ZooKeeperConnection? _connection;
    private bool _disposed;

    /// <summary>Parses the connection string (throws <see cref="FormatException"/>); connects on first use.</summary>
    public ZooKeeperClient(ZooKeeperClientOptions options)
    {
        _options = options;
        _target = ZooKeeperConnectionString.Parse(options.ConnectionString);
    }

    /// <summary>The current session's id, or 0 when not connected.</summary>
    public long SessionId => _connection is { IsOpen: true } c ? c.SessionId : 0;

    /// <summary>The session timeout the server granted, or null when not connected.</summary>
    public TimeSpan? NegotiatedSessionTimeout => _connection is { IsOpen: true } c ? c.SessionTimeout : null;

    /// <summary>Connects now (otherwise the first request does).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) => await ConnectionAsync(cancellationToken);

    /// <summary>
    /// addAuth (xid -4). Remembered and sent again on every reconnect; sent now if connected, else at connect.
    /// </summary>
    public async Task AddAuthAsync(string scheme, byte[] auth, CancellationToken cancellationToken = default)
    {
        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } connection) await connection.AuthenticateAsync(scheme, auth, cancellationToken);
            _auths.Add((scheme, auth));
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>addAuth with scheme "digest" and <c>user:password</c>.</summary>
    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken = default) =>
        AddAuthAsync("digest", Encoding.UTF8.GetBytes($"{user}:{password}"), cancellationToken);

    /// <summary>Creates a persistent znode; returns its path. Null data is stored as null (distinct from empty).</summary>
    public async Task<string> CreateAsync(string path, byte[]? data, IReadOnlyList<ZooKeeperAcl> acl, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(ZooKeeperOpCode.Create, path, w => w.String(ServerPath(path)).Buffer(data).Acl(acl).Int(0), cancellationToken);
        return ClientPath(reply.Body.String());
    }

    /// <summary>The znode's stat, or null when it does not exist.</summary>
    public async Task<ZooKeeperStat?> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(ZooKeeperOpCode.Exists, path, w => w.String(ServerPath(path)).Bool(false), cancellationToken, ZooKeeperErrorCode.NoNode);
        return reply.Error == ZooKeeperErrorCode.NoNode ? null : reply.Body.Stat();
    }

    public async Task<ZooKeeperData> GetDataAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(ZooKeeperOpCode.GetData, path, w => w.String(ServerPath(path)).Bool(false), cancellationToken);
        return new ZooKeeperData(reply.Body.Buffer(), reply.Body.Stat());
    }

    /// <summary>Sets the data if the znode is at <paramref name="version"/> (-1: any); returns the new stat.</summary>
    public async Task<ZooKeeperStat> SetDataAsync(string path, byte[]? data, int version = -1, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(ZooKeeperOpCode.SetData, path, w => w.String(ServerPath(path)).Buffer(data).Int(version), cancellationToken);
        return reply.Body.Stat();
    }

    /// <summary>The names (not paths) of the znode's children, in the server's order.</summary>
    public async Task<IReadOnlyList<string>> GetChildrenAsync(string path, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(ZooKeeperOpCode.GetChildren, path, w => w.String(ServerPath(path)).Bool(false), cancellationToken);
        return reply.Body.Strings();
    }

    /// <summary>Deletes the znode if it is at <paramref name="version"/> (-1: any) and has no children.</summary>
    public async Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default) =>
        await RequestAsync(ZooKeeperOpCode.Delete, path, w => w.String(ServerPath(path)).Int(version), cancellationToken);

    /// <summary>
    /// Runs the ops as one atomic transaction (opcode 14): all apply or none. When one fails, throws a
    /// <see cref="ZooKeeperException"/> for that op (its code, path and index). Keep a request under the server's
    /// jute.maxbuffer (1 MB by default): a larger one makes the server drop the connection.
    /// </summary>
    public async Task<IReadOnlyList<ZooKeeperOpResult>> MultiAsync(IReadOnlyList<ZooKeeperOp> ops, CancellationToken cancellationToken = default)
    {
        if (ops.Count == 0) return [];
        var reply = await RequestAsync(ZooKeeperOpCode.Multi, ops[0].Path, w => WriteMulti(w, ops), cancellationToken, AnyError);
        var results = new List<ZooKeeperOpResult>(ops.Count);
        ZooKeeperException? failure = null;
        // A failed multi still carries per-op results (the failing op's code, RuntimeInconsistency for the others).
        while (!reply.Body.AtEnd)
        {
            var type = (ZooKeeperOpCode)reply.Body.Int();
            var done = reply.Body.Bool();
            var error = (ZooKeeperErrorCode)reply.Body.Int();
            if (done) break;
            var index = results.Count;
            switch (type)
            {
                case ZooKeeperOpCode.Create:
                    results.Add(new ZooKeeperOpResult(ClientPath(reply.Body.String()), null));
                    break;
                case ZooKeeperOpCode.Create2:
                    results.Add(new ZooKeeperOpResult(ClientPath(reply.Body.String()), reply.Body.Stat()));
                    break;
                case ZooKeeperOpCode.SetData:
                    results.Add(new ZooKeeperOpResult(null, reply.Body.Stat()));
                    break;
                case ZooKeeperOpCode.Error:
                    error = (ZooKeeperErrorCode)reply.Body.Int();
                    if (failure is null && error is not (ZooKeeperErrorCode.Ok or ZooKeeperErrorCode.RuntimeInconsistency))
                        failure = new ZooKeeperException(error, index < ops.Count ? ops[index].Path : null, index);
                    results.Add(new ZooKeeperOpResult(null, null));
                    break;
                default:
                    results.Add(new ZooKeeperOpResult(null, null));
                    break;
            }
        }
        if (failure is not null) throw failure;
        if (reply.Error != ZooKeeperErrorCode.Ok) throw new ZooKeeperException(reply.Error, ops[0].Path);
        return results;
    }

    /// <summary>Ends the session on the server and closes the connection; a later call opens a new session.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { } connection) return;
            _connection = null;
            try
            {
                if (connection.IsOpen) await connection.SendAsync(ZooKeeperOpCode.CloseSession, null, null, cancellationToken);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await CloseAsync(timeout.Token);
        }
        catch (Exception)
        {
            // Closing is a courtesy to the server (it frees the session now rather than at its timeout).
        }
        _disposed = true;
    }

    private async Task<ZooKeeperReply> RequestAsync(ZooKeeperOpCode op, string path, Action<JuteWriter> body, CancellationToken cancellationToken,
        params ZooKeeperErrorCode[] expected)
    {
        if (ZooKeeperPath.Problem(path) is { } problem) throw new ArgumentException($"'{path}' is not a valid znode path: {problem}", nameof(path));
        var connection = await ConnectionAsync(cancellationToken);
        var reply = await connection.SendAsync(op, body, path, cancellationToken);
        if (reply.Error != ZooKeeperErrorCode.Ok && Array.IndexOf(expected, reply.Error) < 0) throw new ZooKeeperException(reply.Error, path);
        return reply;
    }

    private void WriteMulti(JuteWriter writer, IReadOnlyList<ZooKeeperOp> ops)
    {
        foreach (var op in ops)
        {
            if (ZooKeeperPath.Problem(op.Path) is { } problem) throw new ArgumentException($"'{op.Path}' is not a valid znode path: {problem}", nameof(ops));
            writer.Int((int)op.Code).Bool(false).Int(-1); // MultiHeader(type, done, err)
            writer.String(ServerPath(op.Path));
            switch (op.Code)
            {
                case ZooKeeperOpCode.Create:
                    writer.Buffer(op.Data).Acl(op.Acl!).Int(0);
                    break;
                case ZooKeeperOpCode.SetData:
                    writer.Buffer(op.Data).Int(op.Version);
                    break;
                default: // delete and check: path and version
                    writer.Int(op.Version);
                    break;
            }
        }
        writer.Int(-1).Bool(true).Int(-1);
    }

    private async Task<ZooKeeperConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is { IsOpen: true } current) return current;
        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } raced) return raced;
            if (_connection is { } dead) await dead.DisposeAsync();
            _connection = null;
            var failures = new List<Exception>();
            foreach (var (host, port) in _target.Hosts)
            {
                ZooKeeperConnection connection;
                try
                {
                    connection = await ZooKeeperConnection.OpenAsync(host, port, _options.SessionTimeout, _options.ConnectTimeout, _options.RequestTimeout, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or TimeoutException)
                {
                    failures.Add(ex);
                    continue;
                }
                try
                {
                    foreach (var (scheme, auth) in _auths) await connection.AuthenticateAsync(scheme, auth, cancellationToken);
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }
                return _connection = connection;
            }
            if (failures.Count == 1) throw failures[0];
            var message = string.Join("; ", failures.Select(f => f.Message));
            throw failures.All(f => f is TimeoutException) ? new TimeoutException(message) : new IOException(message);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private string ServerPath(string path) => _target.Chroot is not { } chroot ? path : path == "/" ? chroot : chroot + path;

    private string ClientPath(string serverPath)
    {
        if (_target.Chroot is not { } chroot) return serverPath;
        if (serverPath == chroot) return "/";
        return serverPath.StartsWith(chroot + "/", StringComparison.Ordinal) ? serverPath[chroot.Length..] : serverPath;
    }
}

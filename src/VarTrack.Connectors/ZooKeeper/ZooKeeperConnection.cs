using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// One TCP connection carrying one ZooKeeper session. Requests are pipelined: each is framed, given the next xid and
/// queued; a send loop writes whatever is queued and flushes once the queue is drained, and a receive loop completes
/// requests by xid (the server answers a session's requests in order). Watch notifications (xid -1) and ping replies
/// (xid -2) are read and dropped. A ping (xid -2) goes out every third of the negotiated session timeout. Any I/O
/// failure, a reply missing for two thirds of the session timeout, or a request timeout fails every pending request
/// and marks the connection closed; <see cref="ZooKeeperClient"/> then opens a new one on its next call.
/// </summary>
internal sealed class ZooKeeperConnection : IAsyncDisposable
{
    private const int NotificationXid = -1;
    private const int PingXid = -2;
    private const int AuthXid = -4;
    private const int MaxFrameLength = 64 * 1024 * 1024;

    private static readonly byte[] PingFrame = new JuteWriter().Int(PingXid).Int((int)ZooKeeperOpCode.Ping).ToFrame();

    private readonly TcpClient _tcp;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<int, TaskCompletionSource<ZooKeeperReply>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TimeSpan _requestTimeout;
    private readonly List<Task> _loops = [];
    private int _lastXid;
    private long _lastReceived = Environment.TickCount64;
    private Exception? _failure;

    private ZooKeeperConnection(TcpClient tcp, string endpoint, long sessionId, TimeSpan sessionTimeout, TimeSpan requestTimeout)
    {
        _tcp = tcp;
        var stream = tcp.GetStream();
        _input = new BufferedStream(stream, 64 * 1024);
        _output = new BufferedStream(stream, 64 * 1024);
        Endpoint = endpoint;
        SessionId = sessionId;
        SessionTimeout = sessionTimeout;
        _requestTimeout = requestTimeout;
    }

    /// <summary>host:port, for messages.</summary>
    public string Endpoint { get; }

    public long SessionId { get; }

    /// <summary>The session timeout the server granted.</summary>
    public TimeSpan SessionTimeout { get; }

    public bool IsOpen => Volatile.Read(ref _failure) is null;

    /// <summary>Connects and runs the session handshake (ConnectRequest / ConnectResponse), both within <paramref name="connectTimeout"/>.</summary>
    public static async Task<ZooKeeperConnection> OpenAsync(string host, int port, TimeSpan sessionTimeout, TimeSpan connectTimeout, TimeSpan requestTimeout,
        CancellationToken cancellationToken)
    {
        var endpoint = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            await tcp.ConnectAsync(host, port, timeout.Token);
            var stream = tcp.GetStream();
            var request = new JuteWriter()
                .Int(0) // protocolVersion
                .Long(0) // lastZxidSeen: a new session has seen nothing
                .Int((int)Math.Clamp(sessionTimeout.TotalMilliseconds, 1, int.MaxValue))
                .Long(0) // sessionId 0 asks for a new session
                .Buffer(new byte[16]) // session password, unused for a new session
                .Bool(false); // readOnly: a read-only server is of no use to a writer
            await stream.WriteAsync(request.ToFrame(), timeout.Token);
            var response = new JuteReader(await ReadFrameAsync(stream, timeout.Token));
            response.Int(); // protocolVersion
            var negotiated = response.Int();
            var sessionId = response.Long();
            response.Buffer(); // password, only needed to resume this session, which this client never does
            if (negotiated <= 0) throw new IOException($"ZooKeeper at {endpoint} refused the session (negotiated timeout {negotiated} ms)");
            var connection = new ZooKeeperConnection(tcp, endpoint, sessionId, TimeSpan.FromMilliseconds(negotiated), requestTimeout);
            connection.Start();
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new TimeoutException($"ZooKeeper at {endpoint} did not answer the connection within {Seconds(connectTimeout)}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
        {
            tcp.Dispose();
            throw new IOException($"cannot connect to ZooKeeper at {endpoint}: {ex.Message}", ex);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and waits for its reply (any error code is returned, not thrown).</summary>
    public Task<ZooKeeperReply> SendAsync(ZooKeeperOpCode op, Action<JuteWriter>? body, string? path, CancellationToken cancellationToken)
    {
        var xid = Interlocked.Increment(ref _lastXid) & int.MaxValue;
        return SendAsync(xid, op, body, path, cancellationToken);
    }

    /// <summary>addAuth: sent with xid -4; the caller makes sure only one is in flight.</summary>
    public async Task AuthenticateAsync(string scheme, byte[] auth, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(AuthXid, ZooKeeperOpCode.Auth, w => w.Int(0).String(scheme).Buffer(auth), null, cancellationToken);
        if (reply.Error != ZooKeeperErrorCode.Ok) throw new ZooKeeperException(reply.Error, null);
    }

    private async Task<ZooKeeperReply> SendAsync(int xid, ZooKeeperOpCode op, Action<JuteWriter>? body, string? path, CancellationToken cancellationToken)
    {
        var writer = new JuteWriter().Int(xid).Int((int)op);
        body?.Invoke(writer);
        var pending = new TaskCompletionSource<ZooKeeperReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(xid, pending)) throw new InvalidOperationException($"xid {xid} is already in flight");
        // Registered before checking for failure, so Fail either sees this request or this request sees the failure.
        if (Volatile.Read(ref _failure) is { } failure || !_outgoing.Writer.TryWrite(writer.ToFrame()))
        {
            _pending.TryRemove(xid, out _);
            throw Lost(Volatile.Read(ref _failure));
        }
        try
        {
            return await pending.Task.WaitAsync(_requestTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(xid, out _);
            var timeout = new TimeoutException($"ZooKeeper at {Endpoint} did not answer {Describe(op, path)} within {Seconds(_requestTimeout)}");
            Fail(timeout); // a server that stops answering one request answers none after it
            throw timeout;
        }
        catch (OperationCanceledException)
        {
            _pending.TryRemove(xid, out _);
            throw;
        }
    }

    private void Start()
    {
        _loops.Add(Task.Run(ReceiveLoopAsync));
        _loops.Add(Task.Run(SendLoopAsync));
        _loops.Add(Task.Run(PingLoopAsync));
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(_input, _closing.Token);
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                var reader = new JuteReader(frame);
                var xid = reader.Int();
                var zxid = reader.Long();
                var error = (ZooKeeperErrorCode)reader.Int();
                if (xid is NotificationXid or PingXid) continue; // watches are never set; pings only keep the session alive
                if (_pending.TryRemove(xid, out var pending)) pending.TrySetResult(new ZooKeeperReply(error, zxid, reader));
            }
        }
        catch (Exception ex)
        {
            Fail(ex is OperationCanceledException ? null : ex);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            var queue = _outgoing.Reader;
            while (await queue.WaitToReadAsync(_closing.Token))
            {
                // Coalesce everything queued into as few writes as the buffer allows, then flush once.
                while (queue.TryRead(out var frame)) await _output.WriteAsync(frame, _closing.Token);
                await _output.FlushAsync(_closing.Token);
            }
        }
        catch (Exception ex)
        {
            Fail(ex is OperationCanceledException ? null : ex);
        }
    }

    private async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(SessionTimeout / 3);
        var silenceLimit = (long)(SessionTimeout.TotalMilliseconds * 2 / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token))
            {
                if (Environment.TickCount64 - Volatile.Read(ref _lastReceived) > silenceLimit)
                {
                    Fail(new TimeoutException($"ZooKeeper at {Endpoint} stopped answering (nothing received for {Seconds(TimeSpan.FromMilliseconds(silenceLimit))})"));
                    return;
                }
                _outgoing.Writer.TryWrite(PingFrame);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Marks the connection closed (first reason wins) and fails every pending request with it.</summary>
    private void Fail(Exception? reason)
    {
        var failure = reason switch
        {
            null => new IOException($"connection to ZooKeeper at {Endpoint} was closed"),
            TimeoutException => reason, // already names the endpoint
            EndOfStreamException => new IOException($"connection to ZooKeeper at {Endpoint} was closed by the server"),
            _ => new IOException($"connection to ZooKeeper at {Endpoint} was lost: {reason.Message}", reason),
        };
        Interlocked.CompareExchange(ref _failure, failure, null);
        _outgoing.Writer.TryComplete();
        _closing.Cancel();
        foreach (var xid in _pending.Keys)
            if (_pending.TryRemove(xid, out var pending))
                pending.TrySetException(Lost(_failure));
        _tcp.Dispose();
    }

    private Exception Lost(Exception? failure) => failure switch
    {
        TimeoutException t => new TimeoutException(t.Message, t),
        not null => new IOException(failure.Message, failure),
        null => new IOException($"connection to ZooKeeper at {Endpoint} was closed"),
    };

    private static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxFrameLength) throw new InvalidDataException($"frame length {length} is out of range (not a ZooKeeper server?)");
        var frame = new byte[length];
        await stream.ReadExactlyAsync(frame, cancellationToken);
        return frame;
    }

    private static string Describe(ZooKeeperOpCode op, string? path) => path is null ? op.ToString() : $"{op} {path}";

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.###}s";

    public async ValueTask DisposeAsync()
    {
        Fail(null);
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (Exception)
        {
            // The loops end by failing the connection; their errors were already reported through Fail.
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>
/// A loopback listener misbehaving on purpose: accepting and never answering, answering the session handshake but no
/// request, or sending a watch notification (xid -1) before every reply, which a client must skip.
/// </summary>
public sealed class ScriptedZooKeeperServer : IAsyncDisposable
{
    private enum Behaviour { NeverAnswer, HandshakeOnly, NotificationBeforeEachReply }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;
    private readonly Behaviour _behaviour;

    /// <summary>Accepts connections and never sends a byte.</summary>
    public static ScriptedZooKeeperServer NeverAnswering() => new(Behaviour.NeverAnswer);

    /// <summary>Grants a session, then never answers a request.</summary>
    public static ScriptedZooKeeperServer AnsweringHandshakeOnly() => new(Behaviour.HandshakeOnly);

    /// <summary>Grants a session, then answers every request as an exists (stat version = xid) after a watch notification.</summary>
    public static ScriptedZooKeeperServer NotifyingBeforeEachReply() => new(Behaviour.NotificationBeforeEachReply);

    private ScriptedZooKeeperServer(Behaviour behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients) _clients.Add(client);
                if (_behaviour != Behaviour.NeverAnswer) _ = ServeAsync(client.GetStream());
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        try
        {
            await ReadFrameAsync(stream);
            var response = new List<byte>();
            response.AddRange(Int(0));
            response.AddRange(Int(30_000));
            response.AddRange(Long(0x1234));
            response.AddRange(Int(16));
            response.AddRange(new byte[16]);
            response.Add(0);
            await WriteFrameAsync(stream, response);
            while (true)
            {
                var request = await ReadFrameAsync(stream);
                if (_behaviour == Behaviour.HandshakeOnly) continue;
                var xid = BinaryPrimitives.ReadInt32BigEndian(request);
                // WatcherEvent: type NodeDataChanged (3), state SyncConnected (3), path.
                var notification = new List<byte>();
                notification.AddRange(Int(-1));
                notification.AddRange(Long(-1));
                notification.AddRange(Int(0));
                notification.AddRange(Int(3));
                notification.AddRange(Int(3));
                notification.AddRange(Int(2));
                notification.AddRange("/w"u8.ToArray());
                await WriteFrameAsync(stream, notification);
                // Reply as to an exists request: header, then a Stat whose version is the request's xid.
                var reply = new List<byte>();
                reply.AddRange(Int(xid));
                reply.AddRange(Long(7));
                reply.AddRange(Int(0));
                for (var i = 0; i < 4; i++) reply.AddRange(Long(0));
                reply.AddRange(Int(xid));
                reply.AddRange(Int(0));
                reply.AddRange(Int(0));
                reply.AddRange(Long(0));
                reply.AddRange(Int(0));
                reply.AddRange(Int(0));
                reply.AddRange(Long(0));
                await WriteFrameAsync(stream, reply);
            }
        }
        catch (Exception)
        {
            // The client went away.
        }
    }

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header);
        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await stream.ReadExactlyAsync(frame);
        return frame;
    }

    private static async Task WriteFrameAsync(NetworkStream stream, List<byte> payload)
    {
        await stream.WriteAsync(Int(payload.Count));
        await stream.WriteAsync(payload.ToArray());
    }

    private static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Long(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients)
            foreach (var client in _clients) client.Dispose();
        await _accepting;
    }
}

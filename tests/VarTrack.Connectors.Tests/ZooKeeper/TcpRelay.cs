using System.Net;
using System.Net.Sockets;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>A loopback TCP relay to a real server whose connections a test can cut, as a network failure would.</summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpRelay(string host, int port)
    {
        _listener.Start();
        _accepting = AcceptAsync(host, port);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Closes every relayed connection (new ones are still accepted).</summary>
    public void DropAll()
    {
        lock (_open)
        {
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(string host, int port)
    {
        try
        {
            while (true)
            {
                var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                var outbound = new TcpClient();
                await outbound.ConnectAsync(host, port, _stop.Token);
                lock (_open)
                {
                    _open.Add(inbound);
                    _open.Add(outbound);
                    Accepted++;
                }
                _ = PumpAsync(inbound, outbound);
                _ = PumpAsync(outbound, inbound);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception)
        {
            // Either side closed: close both.
        }
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        await _accepting;
    }
}

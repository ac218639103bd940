using System.Net;
using System.Net.Sockets;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// An HttpListener on 127.0.0.1 (a free port) that hands each request to a handler, for in-test stand-ins of the
/// server's HTTP API. Stops with <see cref="Dispose"/>.
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <param name="answer">Writes the response; <paramref name="concurrent"/> answers requests in parallel, else one at a time.</param>
    public LoopbackListener(Func<HttpListenerContext, Task> answer, bool concurrent = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding: try another.
            }
        }
        _loop = Task.Run(() => ServeAsync(answer, concurrent));
    }

    public string Url { get; } = "";

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal exception.
        }
    }

    private async Task ServeAsync(Func<HttpListenerContext, Task> answer, bool concurrent)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            if (concurrent) _ = Task.Run(() => answer(context));
            else await answer(context);
        }
    }
}

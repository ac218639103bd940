using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// A follower's webhook endpoint on a real Kestrel listener (127.0.0.1, free port), written as a receiver would: it
/// checks <c>X-VarTrack-Signature</c> against its own HMAC-SHA256 of the exact body with its secret (401 when it does
/// not match), dedupes by <c>X-VarTrack-Delivery</c>, and can be told to fail its first requests with 500.
/// </summary>
public sealed class SubscriberReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _secret;
    private int _failuresLeft;

    private SubscriberReceiver(WebApplication app, string secret, int failFirst)
    {
        _app = app;
        _secret = secret;
        _failuresLeft = failFirst;
    }

    public string Url { get; private set; } = "";

    /// <summary>Every request, in arrival order: delivery id, body, whether the signature matched, the status answered.</summary>
    public ConcurrentQueue<(string? Delivery, string Body, bool SignatureValid, int Status)> Requests { get; } = new();

    /// <summary>Deliveries accepted, one per delivery id.</summary>
    public ConcurrentDictionary<string, string> Accepted { get; } = new();

    public static async Task<SubscriberReceiver> StartAsync(string secret, int failFirst = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var receiver = new SubscriberReceiver(app, secret, failFirst);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
        return receiver;
    }

    public async Task<IReadOnlyDictionary<string, string>> WaitForAsync(int deliveries, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Accepted.Count < deliveries && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Accepted;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), body));
        var presented = http.Request.Headers["X-VarTrack-Signature"].ToString();
        var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));
        var delivery = http.Request.Headers["X-VarTrack-Delivery"].ToString();
        int status;
        if (!valid) status = 401;
        else if (Interlocked.Decrement(ref _failuresLeft) >= 0) status = 500;
        else
        {
            Accepted.TryAdd(delivery, Encoding.UTF8.GetString(body));
            status = 204;
        }
        Requests.Enqueue((delivery, Encoding.UTF8.GetString(body), valid, status));
        http.Response.StatusCode = status;
    }
}

using System.Collections.Concurrent;

namespace VarTrack.Connectors.Tests.Vault;

/// <summary>Passes requests on to the network and records their request line and headers.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest($"{request.Method} {request.RequestUri!.AbsolutePath}", headers));
        return base.SendAsync(request, cancellationToken);
    }
}

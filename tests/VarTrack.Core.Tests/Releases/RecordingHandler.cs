using System.Net;

namespace VarTrack.Core.Tests.Releases;

/// <summary>An HTTP handler that records every request (with its body) and answers with the next scripted status (200 when none is left).</summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    public Queue<HttpStatusCode> Statuses { get; } = new();

    /// <summary>The reason phrase of every answer when set (else the status's standard one).</summary>
    public string? ReasonPhrase { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
        var response = new HttpResponseMessage(Statuses.Count > 0 ? Statuses.Dequeue() : HttpStatusCode.OK);
        if (ReasonPhrase is not null) response.ReasonPhrase = ReasonPhrase;
        return response;
    }
}

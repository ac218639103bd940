using System.Net;

namespace VarTrack.Core.Tests.Releases;

/// <summary>An HTTP handler that records every request (with its body) and answers with the next scripted status (200 when none is left).</summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    public Queue<HttpStatusCode> Statuses { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
        return new HttpResponseMessage(Statuses.Count > 0 ? Statuses.Dequeue() : HttpStatusCode.OK);
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// A minimal in-test stand-in for a VarTrack server's HTTP API on 127.0.0.1 (HttpListener, free port): serves canned
/// <see cref="SyncRecord"/>s serialised with <see cref="StateJson.Options"/>, a canned status document, accepts
/// <c>POST /api/syncs</c> with a bearer token, and records every request it gets.
/// </summary>
public sealed class FakeVarTrackServer : IDisposable
{
    private readonly ConcurrentDictionary<string, Queue<SyncRecord>> _syncs = new();
    private readonly LoopbackListener _listener;

    public FakeVarTrackServer() => _listener = new LoopbackListener(AnswerAsync);

    public string Url => _listener.Url;

    /// <summary>The API token the server accepts; null answers POST with 403 (no token configured).</summary>
    public string? ApiToken { get; set; } = "tok-3f9a-DO-NOT-PRINT";

    /// <summary>What <c>GET /api/syncs</c> lists (newest first).</summary>
    public List<SyncRecord> History { get; } = [];

    /// <summary>The body of <c>GET /api/status</c>, as the server would write it.</summary>
    public string StatusJson { get; set; } = """{"destinations":[]}""";

    /// <summary>The id <c>POST /api/syncs</c> answers with.</summary>
    public string AcceptedId { get; set; } = "sync-00000000000000000000abcd";

    /// <summary>Answers any request to this path (with query) with this status, body and content type instead.</summary>
    public ConcurrentDictionary<string, (int Status, string Body, string ContentType)> Overrides { get; } = new();

    public ConcurrentQueue<Request> Requests { get; } = new();

    public sealed record Request(string Method, string PathAndQuery, string? Authorization, string Body);

    /// <summary>Each GET of the sync answers the next record of the sequence; the last one stays.</summary>
    public void SetSync(string id, params SyncRecord[] sequence) => _syncs[id] = new Queue<SyncRecord>(sequence);

    public void Dispose() => _listener.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new Request(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"], body);
        var (status, text, type) = Answer(request);
        // Recorded once its answer is decided, so a test that sees a request can change what later ones get.
        Requests.Enqueue(request);
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = type;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int Status, string Body, string ContentType) Answer(Request request)
    {
        if (Overrides.TryGetValue(request.PathAndQuery, out var fixedAnswer)) return fixedAnswer;
        var path = request.PathAndQuery.Split('?')[0];
        switch (request.Method, path)
        {
            case ("GET", "/api/syncs"):
                var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + request.PathAndQuery).Query);
                var limit = int.TryParse(query["limit"], out var n) ? n : 50;
                return Json(200, new { syncs = History.Take(limit) });
            case ("GET", "/api/status"):
                return (200, StatusJson, "application/json; charset=utf-8");
            case ("GET", _) when path.StartsWith("/api/syncs/", StringComparison.Ordinal):
                var id = Uri.UnescapeDataString(path["/api/syncs/".Length..]);
                if (!SyncIds.IsValid(id)) return Json(400, new { error = "bad_request", message = $"'{id}' is not a sync id" });
                if (!_syncs.TryGetValue(id, out var sequence)) return Json(404, new { error = "not_found", message = $"no sync with id '{id}'" });
                lock (sequence) return Json(200, sequence.Count > 1 ? sequence.Dequeue() : sequence.Peek());
            case ("POST", "/api/syncs"):
                if (ApiToken is null) return Json(403, new { error = "forbidden", message = "this server has no API token configured; POST /api/syncs is disabled" });
                if (request.Authorization != $"Bearer {ApiToken}")
                    return Json(401, new { error = "unauthorized", message = $"invalid bearer token '{request.Authorization?.Replace("Bearer ", "")}'" });
                return Json(202, new { sync_id = AcceptedId, status_url = $"/api/syncs/{AcceptedId}" });
            default:
                return Json(404, new { error = "not_found", message = $"no route {request.Method} {path}" });
        }
    }

    private static (int, string, string) Json(int status, object value) =>
        (status, Encoding.UTF8.GetString(StateJson.Serialize(value)), "application/json; charset=utf-8");
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using VarTrack.Core.Releases;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Cli;

/// <summary>
/// A typed client of a VarTrack server's HTTP API (<c>/api/syncs</c>, <c>/api/status</c>). Answers are read with
/// <see cref="StateJson.Options"/> into the records the server serialises. Every failure is a
/// <see cref="ServerException"/> with one line naming the server and the reason; the token never appears in it.
/// Each call returns the parsed answer and the JSON text as received (for <c>--json</c>).
/// </summary>
internal sealed class ServerClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string? _token;

    private ServerClient(Uri baseUrl, string? token, HttpMessageHandler? handler)
    {
        BaseUrl = baseUrl;
        _token = token;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = RequestTimeout;
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>The server's base URL, always ending in '/' so the API paths resolve below a path prefix.</summary>
    public Uri BaseUrl { get; }

    public bool HasToken => _token is not null;

    /// <summary>Checks the <c>--server</c> text (an http(s) URL without credentials) and opens a client.</summary>
    public static ServerClient Create(string server, string? token, HttpMessageHandler? handler = null)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new UsageException($"--server must be an http or https URL such as http://localhost:8080 (got '{server}')");
        if (url.UserInfo.Length > 0)
            throw new UsageException("--server must not contain credentials; pass the API token with --token or VT_API_TOKEN");
        var text = url.GetLeftPart(UriPartial.Path);
        return new ServerClient(new Uri(text.EndsWith('/') ? text : text + "/"), string.IsNullOrEmpty(token) ? null : token, handler);
    }

    /// <summary>The URL of a path the server returned (absolute or relative to the server).</summary>
    public Uri Resolve(string pathOrUrl) => new(BaseUrl, pathOrUrl);

    public Task<(SyncRecord Value, string Json)> GetSyncAsync(string id, CancellationToken ct) =>
        SendAsync<SyncRecord>(HttpMethod.Get, $"api/syncs/{Uri.EscapeDataString(id)}", null, ct);

    public Task<(SyncList Value, string Json)> ListSyncsAsync(int? limit, CancellationToken ct) =>
        SendAsync<SyncList>(HttpMethod.Get, limit is { } n ? $"api/syncs?limit={n}" : "api/syncs", null, ct);

    public Task<(SyncAccepted Value, string Json)> StartSyncAsync(SyncApiRequest submission, CancellationToken ct) =>
        SendAsync<SyncAccepted>(HttpMethod.Post, "api/syncs", submission, ct);

    public Task<(ServerStatus Value, string Json)> GetStatusAsync(CancellationToken ct) =>
        SendAsync<ServerStatus>(HttpMethod.Get, "api/status", null, ct);

    public Task<(ReplicationStatusView Value, string Json)> GetVaultStatusAsync(CancellationToken ct) =>
        SendAsync<ReplicationStatusView>(HttpMethod.Get, "api/vault/status", null, ct);

    public Task<(MetaNotificationList Value, string Json)> ListMetaNotificationsAsync(MetaNotificationState? state, CancellationToken ct) =>
        SendAsync<MetaNotificationList>(HttpMethod.Get, state is { } only ? $"api/meta/notifications?state={only.ToString().ToLowerInvariant()}" : "api/meta/notifications", null, ct);

    public Task<(MetaReplayAnswer Value, string Json)> ReplayMetaNotificationsAsync(MetaReplayRequest request, CancellationToken ct) =>
        SendAsync<MetaReplayAnswer>(HttpMethod.Post, "api/meta/notifications/replay", request, ct);

    public void Dispose() => _http.Dispose();

    private async Task<(T Value, string Json)> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) where T : class
    {
        var what = $"{method} /{path}";
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        // Sent on every call when known, so a server that also protects its read routes works the same.
        if (_token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (body is not null)
            request.Content = new StringContent(Encoding.UTF8.GetString(StateJson.Serialize(body)), Encoding.UTF8, "application/json");

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerException($"cannot reach the VarTrack server at {BaseUrl}: {Scrub(ex.InnerException?.Message ?? ex.Message)}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ServerException($"the VarTrack server at {BaseUrl} did not answer {what} within {RequestTimeout.TotalSeconds:0} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw Refusal(response, text, what);
            try
            {
                var value = JsonSerializer.Deserialize<T>(text, StateJson.Options);
                if (value is not null && IsComplete(value)) return (value, text);
            }
            catch (JsonException)
            {
                // Reported below with the same message as a wrong shape: the server answered something else.
            }
            var type = response.Content.Headers.ContentType?.MediaType ?? "no content type";
            throw new ServerException($"the server at {BaseUrl} answered {what} with {(int)response.StatusCode} but not the JSON a VarTrack server sends ({type}); is --server the right URL?");
        }
    }

    /// <summary>Required fields the serializer leaves null when missing (it does not enforce nullable annotations).</summary>
    private static bool IsComplete(object value) => value switch
    {
        SyncRecord r => r.Id is not null && r.Request is not null && r.Files is not null,
        SyncList l => l.Syncs is not null && l.Syncs.All(r => IsComplete(r)),
        SyncAccepted a => a.SyncId is not null && a.StatusUrl is not null,
        ServerStatus s => s.Destinations is not null,
        ReplicationStatusView v => v.Owners is not null && v.Owners.All(o => o.Owner is not null && o.Last is not null),
        MetaNotificationList l => l.Notifications is not null && l.Notifications.All(n => n.DeliveryId is not null && n.Subscriber is not null),
        MetaReplayAnswer a => a.Results is not null && a.Results.All(r => r.DeliveryId is not null),
        _ => true,
    };

    private ServerException Refusal(HttpResponseMessage response, string text, string what)
    {
        var (code, message) = ApiErrorBody.Read(text);
        var status = (int)response.StatusCode;
        var said = Scrub(message ?? response.ReasonPhrase ?? "no reason given");
        var answer = $"server answered {status} ({code ?? response.ReasonPhrase ?? "error"}) to {what}: {said}";
        var refusal = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new ServerException(HasToken
                ? $"the server refused the API token; {answer}"
                : $"no API token given (--token or VT_API_TOKEN); {answer}"),
            HttpStatusCode.Forbidden => new ServerException($"the server does not accept this request; {answer}"),
            // The request itself was wrong (unknown sync id, malformed input): a usage error like an unknown rule.
            HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity => new ServerException(answer, ExitCodes.Usage),
            _ => new ServerException(answer),
        };
        return new ServerException(refusal.Message, refusal.ExitCode) { Status = status };
    }


    /// <summary>Belt and braces: a server message never echoes the token to the terminal.</summary>
    private string Scrub(string text) => _token is null ? text : text.Replace(_token, "***", StringComparison.Ordinal);
}

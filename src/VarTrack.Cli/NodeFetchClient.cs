using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;

namespace VarTrack.Cli;

/// <summary>
/// The HTTP side of <c>vt node fetch</c>: one request to a node route, answered as status, error code, message,
/// Retry-After and body. Network failures and timeouts come back as status 0, so the caller retries them like a 5xx.
/// The token is only ever put in the Authorization header and scrubbed from anything the server echoes.
/// </summary>
internal sealed class NodeFetchClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string _token;

    public NodeFetchClient(Uri baseUrl, string token, HttpMessageHandler? handler = null)
    {
        BaseUrl = baseUrl;
        _token = token;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri BaseUrl { get; }

    public sealed record Answer(int Status, string? Error, string Message, TimeSpan? RetryAfter, string Body);

    public Task<Answer> RegisterAsync(NodeRegisterRequest request, CancellationToken ct) => PostAsync(NodeContract.RegisterRoute, request, ct);

    public Task<Answer> ConfigAsync(string identifier, CancellationToken ct) =>
        PostAsync(NodeContract.ConfigRoute, new NodeConfigRequest { SchemaVersion = NodeContract.SchemaVersion, Identifier = identifier }, ct);

    public void Dispose() => _http.Dispose();

    private async Task<Answer> PostAsync(string route, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, route.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Content = new ByteArrayContent(StateJson.Serialize(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var (error, message) = ApiErrorBody.Read(text);
            return new Answer((int)response.StatusCode, error, Scrub(message ?? response.ReasonPhrase ?? ""), RetryAfter(response), text);
        }
        catch (HttpRequestException ex)
        {
            return new Answer(0, "unreachable", $"cannot reach {BaseUrl}: {Scrub(ex.InnerException?.Message ?? ex.Message)}", null, "");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Answer(0, "timeout", $"{BaseUrl} did not answer {route} within {RequestTimeout.TotalSeconds:0} s", null, "");
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header) return null;
        if (header.Delta is { } delta) return delta;
        return header.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private string Scrub(string text) => text.Replace(_token, "***", StringComparison.Ordinal);
}

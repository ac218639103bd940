using Microsoft.Extensions.Options;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Webhooks;

namespace VarTrack.Server;

/// <summary>
/// The node bootstrap routes over <see cref="NodeConfigService"/>: <c>POST /api/nodes/register</c>,
/// <c>POST /api/nodes/config</c> and <c>GET /api/nodes</c> (admin: the bootstrap token or <c>VarTrack:ApiToken</c>).
/// Not behind the per-address rate limit: a whole cluster often reaches the server from one NAT address. Without a
/// <c>nodes:</c> section every route answers 404 <c>nodes_not_configured</c>.
/// </summary>
public static class NodeRoutes
{
    public static void Map(WebApplication app)
    {
        app.MapPost(NodeContract.RegisterRoute, (HttpContext http, CancellationToken ct) =>
            AnswerAsync(http, ct, (service, body) => service.RegisterAsync(Authorization(http), body!, ct)));
        app.MapPost(NodeContract.ConfigRoute, (HttpContext http, CancellationToken ct) =>
            AnswerAsync(http, ct, (service, body) => service.ConfigAsync(Authorization(http), body!, ct)));
        app.MapGet(NodeContract.ListRoute, (HttpContext http, IOptions<ServerOptions> options, CancellationToken ct) =>
            AnswerAsync(http, ct, (service, _) => service.ListAsync(Authorization(http), options.Value.ApiToken, ct), readBody: false));
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, CancellationToken ct, Func<NodeConfigService, byte[]?, Task<NodeAnswer>> route, bool readBody = true)
    {
        NodeAnswer answer;
        try
        {
            var service = http.RequestServices.GetService<NodeConfigService>();
            if (service is null)
                answer = NodeAnswer.Error(StatusCodes.Status404NotFound, "nodes_not_configured", "this server serves no node config: vartrack.yaml has no 'nodes' section");
            else if (!readBody)
                answer = await route(service, null);
            else if (await BoundedBody.ReadAsync(http.Request.Body, http.Request.ContentLength, NodeContract.MaxRequestBytes, ct) is { } body)
                answer = await route(service, body);
            else
                answer = NodeConfigService.TooLarge();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The service answers its own failures; this catches the host's (a registry that cannot even be created).
            var correlation = http.TraceIdentifier;
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeRoutes)).LogError(ex, "Node route {Path} failed (correlation id {CorrelationId})", http.Request.Path.Value, correlation);
            answer = new NodeAnswer(StatusCodes.Status500InternalServerError,
                new NodeError("internal_error", $"the node config service failed; the server log has the details under correlation id {correlation}") { CorrelationId = correlation });
        }
        if (answer.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Text(answer.ToJson(), "application/json", System.Text.Encoding.UTF8, answer.StatusCode);
    }

    private static string? Authorization(HttpContext http) => http.Request.Headers.Authorization.ToString() is { Length: > 0 } value ? value : null;
}

using Microsoft.Extensions.Options;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Server;

/// <summary>
/// The node bootstrap routes over <see cref="NodeRequests"/>: <c>POST /api/nodes/register</c>,
/// <c>POST /api/nodes/config</c> and <c>GET /api/nodes</c> (admin: the bootstrap token or <c>VarTrack:ApiToken</c>).
/// Not behind the per-address rate limit: a whole cluster often reaches the server from one NAT address. Without a
/// <c>nodes:</c> section every route answers 404 <c>nodes_not_configured</c>.
/// </summary>
public static class NodeRoutes
{
    public static void Map(WebApplication app)
    {
        foreach (var route in new[] { NodeContract.RegisterRoute, NodeContract.ConfigRoute })
            app.MapPost(route, (HttpContext http, IOptions<ServerOptions> options, CancellationToken ct) => AnswerAsync(http, route, options.Value.ApiToken, ct));
        app.MapGet(NodeContract.ListRoute, (HttpContext http, IOptions<ServerOptions> options, CancellationToken ct) => AnswerAsync(http, NodeContract.ListRoute, options.Value.ApiToken, ct));
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, string route, string? apiToken, CancellationToken ct)
    {
        var answer = await NodeRequests.AnswerAsync(route, () => http.RequestServices.GetService<NodeConfigService>(), http.Request.Headers.Authorization.ToString(),
            http.Request.Body, http.Request.ContentLength, apiToken, http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeRoutes)), ct);
        if (answer.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Text(answer.ToJson(), "application/json", System.Text.Encoding.UTF8, answer.StatusCode);
    }
}

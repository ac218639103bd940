using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Webhooks;

namespace VarTrack.Functions.Nodes;

/// <summary>
/// The node bootstrap routes as HTTP functions over <see cref="NodeRequests"/>, answering exactly like the self-hosted
/// server. Anonymous at the Functions level because the node tokens are the authentication. The service is resolved
/// per call, inside the shared failure handling, so a registry that cannot be created is a JSON 500 with a correlation
/// id rather than a failed activation. <c>GET /api/nodes</c> takes the bootstrap token or the app setting
/// <c>VARTRACK_API_TOKEN</c> (needed with per-node tokens, where there is no bootstrap token). Without a <c>nodes:</c>
/// section every route answers 404 <c>nodes_not_configured</c>.
/// </summary>
public sealed class NodeFunctions(IServiceProvider services)
{
    public const string RegisterName = "node-register";
    public const string ConfigName = "node-config";
    public const string ListName = "node-list";

    [Function(RegisterName)]
    public Task<IActionResult> RegisterAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "nodes/register")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, NodeContract.RegisterRoute, cancellationToken);

    [Function(ConfigName)]
    public Task<IActionResult> ConfigAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "nodes/config")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, NodeContract.ConfigRoute, cancellationToken);

    [Function(ListName)]
    public Task<IActionResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "nodes")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, NodeContract.ListRoute, cancellationToken);

    /// <summary><c>VARTRACK_API_TOKEN</c>, read per call like the service (absent: only the bootstrap token lists nodes).</summary>
    private string? AdminToken() => services.GetService<IConfiguration>() is { } configuration ? new AppSettings(configuration).ApiToken : null;

    private async Task<IActionResult> AnswerAsync(HttpRequest request, string route, CancellationToken cancellationToken)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<NodeFunctions>() ?? (ILogger)NullLogger.Instance;
        var answer = await NodeRequests.AnswerAsync(route, services.GetService<NodeConfigService>, request.Headers.Authorization.ToString(),
            request.Body, request.ContentLength, AdminToken(), logger, cancellationToken);
        if (answer.RetryAfterSeconds is { } seconds)
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResults.Text(answer.ToJson(), answer.StatusCode);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Webhooks;

namespace VarTrack.Functions.Nodes;

/// <summary>
/// The node bootstrap routes as HTTP functions, answering exactly like the self-hosted server: each reads the bounded
/// body and hands it with the Authorization header to <see cref="NodeConfigService"/>. Anonymous at the Functions
/// level because the node tokens are the authentication. <c>GET /api/nodes</c> takes the bootstrap token (the app
/// has no separate API token). Without a <c>nodes:</c> section every route answers 404 <c>nodes_not_configured</c>.
/// </summary>
public sealed class NodeFunctions(NodeConfigService? service = null)
{
    public const string RegisterName = "node-register";
    public const string ConfigName = "node-config";
    public const string ListName = "node-list";

    [Function(RegisterName)]
    public Task<IActionResult> RegisterAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "nodes/register")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, (nodes, body) => nodes.RegisterAsync(Authorization(request), body!, cancellationToken), cancellationToken);

    [Function(ConfigName)]
    public Task<IActionResult> ConfigAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "nodes/config")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, (nodes, body) => nodes.ConfigAsync(Authorization(request), body!, cancellationToken), cancellationToken);

    [Function(ListName)]
    public Task<IActionResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "nodes")] HttpRequest request, CancellationToken cancellationToken) =>
        AnswerAsync(request, (nodes, _) => nodes.ListAsync(Authorization(request), null, cancellationToken), cancellationToken, readBody: false);

    private async Task<IActionResult> AnswerAsync(HttpRequest request, Func<NodeConfigService, byte[]?, Task<NodeAnswer>> route, CancellationToken cancellationToken, bool readBody = true)
    {
        NodeAnswer answer;
        if (service is null)
            answer = NodeAnswer.Error(StatusCodes.Status404NotFound, "nodes_not_configured", "this app serves no node config: vartrack.yaml has no 'nodes' section");
        else if (!readBody)
            answer = await route(service, null);
        else if (await BoundedBody.ReadAsync(request.Body, request.ContentLength, NodeContract.MaxRequestBytes, cancellationToken) is { } body)
            answer = await route(service, body);
        else
            answer = NodeConfigService.TooLarge();
        if (answer.RetryAfterSeconds is { } seconds)
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResults.Text(answer.ToJson(), answer.StatusCode);
    }

    private static string? Authorization(HttpRequest request) => request.Headers.Authorization.ToString() is { Length: > 0 } value ? value : null;
}

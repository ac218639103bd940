using Microsoft.Extensions.Logging;
using VarTrack.Core.Webhooks;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The host side of the node routes, once for every host: find the service (none: 404 <c>nodes_not_configured</c>),
/// read the body up to <see cref="NodeContract.MaxRequestBytes"/> (beyond: 413), call the route, and turn any failure
/// of the host itself (a registry that cannot even be created, a body that breaks off) into a JSON 500 with a
/// correlation id that is also in the log. Hosts only pass the request's parts and write the answer back.
/// </summary>
public static class NodeRequests
{
    /// <param name="route">One of <see cref="NodeContract.RegisterRoute"/>, <see cref="NodeContract.ConfigRoute"/>, <see cref="NodeContract.ListRoute"/>.</param>
    /// <param name="service">Resolves the service (null without a <c>nodes:</c> section); called inside the failure handling, since creating it may fail.</param>
    /// <param name="hostAdminToken">The host's own admin token for <c>GET /api/nodes</c> (the server's ApiToken, the Functions app's VARTRACK_API_TOKEN), or null.</param>
    public static async Task<NodeAnswer> AnswerAsync(string route, Func<NodeConfigService?> service, string? authorization, Stream body, long? contentLength,
        string? hostAdminToken, ILogger logger, CancellationToken cancellationToken)
    {
        authorization = authorization is { Length: > 0 } ? authorization : null;
        try
        {
            if (service() is not { } nodes)
                return NodeAnswer.Error(404, "nodes_not_configured", "this host serves no node config: vartrack.yaml has no 'nodes' section");
            if (route == NodeContract.ListRoute) return await nodes.ListAsync(authorization, hostAdminToken, cancellationToken);
            if (await BoundedBody.ReadAsync(body, contentLength, NodeContract.MaxRequestBytes, cancellationToken) is not { } bytes) return NodeConfigService.TooLarge();
            return route == NodeContract.RegisterRoute
                ? await nodes.RegisterAsync(authorization, bytes, cancellationToken)
                : await nodes.ConfigAsync(authorization, bytes, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The service answers its own failures; this catches the host's.
            var correlation = Guid.NewGuid().ToString("N")[..16];
            logger.LogError(ex, "Node route {Route} failed (correlation id {CorrelationId})", route, correlation);
            return new NodeAnswer(500, new NodeError("internal_error", $"the node config service failed; the server log has the details under correlation id {correlation}") { CorrelationId = correlation });
        }
    }
}

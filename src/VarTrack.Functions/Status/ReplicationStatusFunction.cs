using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Replication;

namespace VarTrack.Functions.Status;

/// <summary>
/// <c>GET /api/vault/status</c>, answering like the self-hosted server: per owner the last cycle, paths in sync, pending
/// work and errors. Function-level key: the errors name Vault addresses and secret paths.
/// </summary>
public sealed class ReplicationStatusFunction(IServiceProvider services)
{
    public const string Name = "vault-status";

    [Function(Name)]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "vault/status")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        // Registered only when vartrack.yaml has a replication section.
        if (services.GetService(typeof(ReplicationStatusStore)) is not ReplicationStatusStore status)
            return ApiResults.Error(StatusCodes.Status404NotFound, "not_configured", "vault replication is not configured (no 'replication' section in vartrack.yaml)");
        return ApiResults.Json(ReplicationStatusView.From(await status.StatusAsync(cancellationToken)));
    }
}

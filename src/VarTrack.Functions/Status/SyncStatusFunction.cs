using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Status;

/// <summary>
/// <c>GET /api/syncs/{id}</c>, answering like the self-hosted server: the sync's orchestration instance mapped by
/// <see cref="SyncStatus"/>, or, for syncs that are not orchestrations (drift heals run inside a drift check), the
/// record kept in the state store.
/// </summary>
public sealed class SyncStatusFunction(SyncRecordStore records)
{
    public const string Name = "sync-status";

    [Function(Name)]
    public async Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "syncs/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (!SyncIds.IsValid(id))
            return ApiResults.Error(StatusCodes.Status400BadRequest, "bad_id", $"'{Shorten(id)}' is not a sync id (sync- followed by 24 hex digits)");
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        var record = instance is null ? await records.GetAsync(id, cancellationToken) : SyncStatus.From(instance);
        return record is null
            ? ApiResults.Error(StatusCodes.Status404NotFound, "not_found", $"no sync {id}")
            : ApiResults.Json(record);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

using Microsoft.DurableTask.Client;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Status;

/// <summary>
/// A sync orchestration instance as the sync record the self-hosted server would show: the workflow's own
/// record once it completed; while pending or running, the request with state queued or running; a failed
/// orchestration (a bug or a Durable failure, since sink failures end in a completed record) as failed with its
/// message; a terminated one as abandoned.
/// </summary>
public static class SyncStatus
{
    /// <summary>The record, or null when the instance carries no sync request (not a sync orchestration).</summary>
    public static SyncRecord? From(OrchestrationMetadata instance)
    {
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed && instance.ReadOutputAs<SyncRecord>() is { } finished)
            return finished;
        if (instance.ReadInputAs<SyncRequest>() is not { } request)
            return null;

        var record = new SyncRecord(instance.InstanceId, SyncState.Running, request) { StartedAt = instance.CreatedAt };
        return instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => record with { State = SyncState.Queued, StartedAt = null },
            OrchestrationRuntimeStatus.Failed => record with
            {
                State = SyncState.Failed,
                FinishedAt = instance.LastUpdatedAt,
                Error = "internal error: " + (instance.FailureDetails?.ErrorMessage ?? "the orchestration failed"),
            },
            OrchestrationRuntimeStatus.Terminated => record with
            {
                State = SyncState.Abandoned,
                FinishedAt = instance.LastUpdatedAt,
                Error = "the sync was terminated before it finished; destinations it had written were not restored",
            },
            OrchestrationRuntimeStatus.Completed => record with
            {
                State = SyncState.Failed,
                FinishedAt = instance.LastUpdatedAt,
                Error = "the orchestration completed without a sync record",
            },
            // Running, and suspended (paused by an operator, not finished).
            _ => record,
        };
    }
}

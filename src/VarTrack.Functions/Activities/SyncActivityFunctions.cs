using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Activities;

/// <summary>
/// The per-destination activities of the sync workflow, each bound to Core's <see cref="SyncActivities"/>. Restore and
/// record are clean-up: they ignore cancellation, as in the in-process hosts, so a half-written destination is restored.
/// </summary>
public sealed class SyncActivityFunctions(SyncActivities activities)
{
    [Function(SyncActivities.Plan)]
    public Task<DestinationPlanResult> PlanAsync([ActivityTrigger] DestinationStep step, CancellationToken cancellationToken) =>
        activities.PlanAsync(step, cancellationToken);

    [Function(SyncActivities.Write)]
    public Task<DestinationWriteResult> WriteAsync([ActivityTrigger] DestinationStep step, CancellationToken cancellationToken) =>
        activities.WriteAsync(step, cancellationToken);

    [Function(SyncActivities.Restore)]
    public Task<DestinationWriteResult> RestoreAsync([ActivityTrigger] DestinationStep step) =>
        activities.RestoreAsync(step);

    [Function(SyncActivities.Record)]
    public Task<bool> RecordAsync([ActivityTrigger] RecordStep step) =>
        activities.RecordAsync(step, CancellationToken.None);
}

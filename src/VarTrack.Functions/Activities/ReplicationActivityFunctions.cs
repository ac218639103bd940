using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.Replication;

namespace VarTrack.Functions.Activities;

/// <summary>
/// The activities of the Vault replication workflow, bound one to one to Core's <see cref="ReplicationActivities"/>.
/// The copy activity reads each secret from the origin and writes it to the destination itself, so secret values never
/// appear in an activity's input or output (and so never in Durable history). Recording a cycle is clean-up: no cancellation.
/// </summary>
public sealed class ReplicationActivityFunctions(ReplicationActivities activities)
{
    [Function(ReplicationActivities.Start)]
    public Task<ReplicationCycleStart> StartAsync([ActivityTrigger] ReplicationCycleRequest request, CancellationToken cancellationToken) =>
        activities.StartAsync(request, cancellationToken);

    [Function(ReplicationActivities.OriginList)]
    public Task<OriginListing> ListOriginAsync([ActivityTrigger] OriginListStep step, CancellationToken cancellationToken) =>
        activities.ListOriginAsync(step, cancellationToken);

    [Function(ReplicationActivities.OriginScan)]
    public Task<OriginScan> ScanOriginAsync([ActivityTrigger] OriginScanStep step, CancellationToken cancellationToken) =>
        activities.ScanOriginAsync(step, cancellationToken);

    [Function(ReplicationActivities.OriginPublish)]
    public Task<SyncInfoPublished> PublishOriginAsync([ActivityTrigger] OriginPublishStep step, CancellationToken cancellationToken) =>
        activities.PublishOriginAsync(step, cancellationToken);

    [Function(ReplicationActivities.DestinationPlan)]
    public Task<ReplicaPlan> PlanDestinationAsync([ActivityTrigger] ReplicaPlanStep step, CancellationToken cancellationToken) =>
        activities.PlanDestinationAsync(step, cancellationToken);

    [Function(ReplicationActivities.DestinationCopy)]
    public Task<ReplicaChunkResult> CopyAsync([ActivityTrigger] ReplicaChunkStep step, CancellationToken cancellationToken) =>
        activities.CopyAsync(step, cancellationToken);

    [Function(ReplicationActivities.DestinationDelete)]
    public Task<ReplicaChunkResult> DeleteAsync([ActivityTrigger] ReplicaChunkStep step, CancellationToken cancellationToken) =>
        activities.DeleteAsync(step, cancellationToken);

    [Function(ReplicationActivities.DestinationPublish)]
    public Task<SyncInfoPublished> PublishDestinationAsync([ActivityTrigger] ReplicaPublishStep step, CancellationToken cancellationToken) =>
        activities.PublishDestinationAsync(step, cancellationToken);

    [Function(ReplicationActivities.CycleRecord)]
    public Task<bool> RecordAsync([ActivityTrigger] OwnerCycle cycle) =>
        activities.RecordAsync(cycle, CancellationToken.None);
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using VarTrack.Core.Replication;

namespace VarTrack.Functions.Orchestrations;

/// <summary>
/// One Vault replication run (the origin cycle, then the destination cycles) through Core's
/// <see cref="ReplicationWorkflow"/>: metadata reads and secret copies fan out as activities, and each cycle races a
/// durable timer for its timeout. Started by <see cref="Timers.ReplicationTimer"/>.
/// </summary>
public static class ReplicationOrchestrator
{
    public const string Name = "VaultReplicationOrchestrator";

    [Function(Name)]
    public static Task<ReplicationCycleResult> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, ReplicationCycleRequest request) =>
        ReplicationWorkflow.RunAsync(new DurableWorkflowSteps(context), request);
}

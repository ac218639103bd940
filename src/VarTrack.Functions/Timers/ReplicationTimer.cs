using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.Replication;
using VarTrack.Functions.Orchestrations;

namespace VarTrack.Functions.Timers;

/// <summary>
/// The Vault replication timer (<c>VaultReplicationSchedule</c> app setting, a six-field cron expression, default every
/// minute): when <see cref="ReplicationGate"/> allows it (the access check passed; no fatal cycle since this instance
/// started), starts one <see cref="ReplicationOrchestrator"/> run under the fixed instance id of the origin, unless the
/// previous run is still going, so there is one cycle at a time per origin whatever the number of instances.
/// </summary>
public sealed class ReplicationTimer(VarTrackConfig config, TimeProvider time, ILogger<ReplicationTimer> logger, ReplicationGate? gate = null)
{
    public const string Name = "vault-replication-timer";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%VaultReplicationSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartAsync(client, cancellationToken);

    /// <summary>Starts a run unless one is going; returns its instance id, or null when none was started.</summary>
    public async Task<string?> StartAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (config.Replication is not { } replication || gate is null) return null;
        if (!await gate.MayRunAsync(cancellationToken)) return null;
        var id = InstanceIdFor(replication.Origin.Name);
        var existing = await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            logger.LogInformation("vault replication {InstanceId} is still running; this tick starts nothing", id);
            return null;
        }
        var request = new ReplicationCycleRequest(ReplicationCycleIds.For(time.GetUtcNow()));
        await client.ScheduleNewOrchestrationInstanceAsync(ReplicationOrchestrator.Name, request, new StartOrchestrationOptions { InstanceId = id }, cancellationToken);
        logger.LogInformation("vault replication {InstanceId} started as cycle {CycleId}", id, request.CycleId);
        return id;
    }

    public static string InstanceIdFor(string origin) => "vault-replication-" + origin;
}

using VarTrack.Core.Config;
using VarTrack.Core.Replication;

namespace VarTrack.Server;

/// <summary>
/// Vault replication on the self-hosted server: every <c>replication.interval</c>, when <see cref="ReplicationGate"/>
/// allows it (access check passed; no fatal cycle since start), one replication run (origin cycle, then the
/// destination cycles), one at a time. A run that throws is logged and the next tick goes on: replication never takes
/// the server down. Shutdown cancels the run in flight, which ends it as stopped with nothing published.
/// </summary>
public sealed class VaultReplicationService(VarTrackConfig config, WorkflowHost workflows, IServiceProvider services, TimeProvider time,
    ILogger<VaultReplicationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.Replication is not { } replication) return;
        var gate = services.GetRequiredService<ReplicationGate>();
        using var timer = new PeriodicTimer(replication.Interval, time);
        try
        {
            do
            {
                try
                {
                    if (await gate.MayRunAsync(stoppingToken))
                        await ReplicationWorkflow.RunAsync(workflows.Steps(stoppingToken), new ReplicationCycleRequest(ReplicationCycleIds.For(time.GetUtcNow())));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogError("vault replication run failed; trying again at the next interval: {Error}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

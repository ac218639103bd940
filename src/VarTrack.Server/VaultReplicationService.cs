using VarTrack.Core.Config;
using VarTrack.Core.Replication;

namespace VarTrack.Server;

/// <summary>
/// Vault replication on the self-hosted server: checks at start that every permission replication needs is there
/// (reporting exactly what is missing, and checking again each interval until it is), then runs one replication run
/// (origin cycle, then the destination cycles) every <c>replication.interval</c>, one at a time. A fatal cycle (bad
/// credentials, a missing permission, a path collision) stops replication until the server restarts: retrying cannot
/// fix it and the log says what to fix. Any other error of a run is logged and the next interval runs again (an exception
/// escaping a background service would stop the host). Shutdown cancels the run in flight, which ends it as stopped with nothing published.
/// </summary>
public sealed class VaultReplicationService(VarTrackConfig config, WorkflowHost workflows, IServiceProvider services, TimeProvider time,
    ILogger<VaultReplicationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.Replication is not { } replication) return;
        var check = services.GetRequiredService<VaultAccessCheck>();
        using var timer = new PeriodicTimer(replication.Interval, time);
        try
        {
            var ready = await AccessGrantedAsync(check, stoppingToken);
            do
            {
                if (!ready)
                {
                    ready = await AccessGrantedAsync(check, stoppingToken);
                    continue;
                }
                ReplicationCycleResult result;
                try
                {
                    result = await ReplicationWorkflow.RunAsync(workflows.Steps(stoppingToken), new ReplicationCycleRequest(ReplicationCycleIds.For(time.GetUtcNow())));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // An exception escaping a BackgroundService stops the whole host by default: one bad run must not.
                    logger.LogError("vault replication run failed; trying again at the next interval: {Error}", ex.Message);
                    continue;
                }
                if (result.Origin.Outcome == CycleOutcome.Fatal || result.Destinations.Any(d => d.Outcome == CycleOutcome.Fatal))
                {
                    var fatal = new[] { result.Origin }.Concat(result.Destinations).Where(c => c.Outcome == CycleOutcome.Fatal);
                    logger.LogCritical("vault replication stopped until the server restarts: {Errors}",
                        string.Join("; ", fatal.SelectMany(c => c.Errors.Take(3).DefaultIfEmpty(c.Owner + ": fatal"))));
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> AccessGrantedAsync(VaultAccessCheck check, CancellationToken cancellationToken)
    {
        try
        {
            var report = await check.RunAsync(cancellationToken);
            if (report.Ok) return true;
            foreach (var missing in report.Missing)
                logger.LogError("vault replication cannot start: {Missing}", missing.ToString());
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError("vault replication access check failed: {Error}", ex.Message);
            return false;
        }
    }
}

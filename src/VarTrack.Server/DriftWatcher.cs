using Microsoft.Extensions.Options;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;

namespace VarTrack.Server;

/// <summary>
/// The drift timer: every tick, each rule with drift enabled whose interval has passed runs the Core drift workflow
/// (compare with the applied baseline, heal when the rule says so). Deltas are logged per key, values masked.
/// </summary>
public sealed class DriftWatcher(VarTrackConfig config, WorkflowHost workflows, IOptions<ServerOptions> options, TimeProvider time, ILogger<DriftWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rules = config.Rules.Where(r => r.Drift.Enabled).ToList();
        if (rules.Count == 0) return;
        var tick = options.Value.DriftTick ?? TimeSpan.FromTicks(Math.Min(rules.Min(r => r.Drift.Interval).Ticks, TimeSpan.FromMinutes(1).Ticks));
        var due = rules.ToDictionary(r => r.Name, r => time.GetUtcNow() + r.Drift.Interval);
        using var timer = new PeriodicTimer(tick < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                foreach (var rule in rules.Where(r => due[r.Name] <= time.GetUtcNow()))
                {
                    await CheckAsync(rule.Name, stoppingToken);
                    due[rule.Name] = time.GetUtcNow() + rule.Drift.Interval;
                }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(string rule, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var report in await DriftWorkflow.RunAsync(workflows.Steps(cancellationToken), new DriftRequest(rule)))
                DriftReportLog.Write(logger, report);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError("drift check of rule {Rule} failed: {Error}", rule, ex.Message);
        }
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Functions.Orchestrations;

namespace VarTrack.Functions.Timers;

/// <summary>
/// The drift timer (<c>DriftSchedule</c> app setting, a six-field cron expression): lists the watched destinations and
/// starts one <see cref="DriftOrchestrator"/> per watched destination (and rule), once per interval window of the
/// rule's drift interval (<see cref="DriftInstanceIds"/>), so destinations are checked in parallel and a slow store
/// delays only its own check.
/// </summary>
public sealed class DriftTimer(VarTrackConfig config, DriftActivities drift, TimeProvider time, ILogger<DriftTimer> logger)
{
    public const string Name = "drift-timer";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%DriftSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        StartDueChecksAsync(client, cancellationToken);

    /// <summary>Starts the checks due now; returns their instance ids.</summary>
    public async Task<IReadOnlyList<string>> StartDueChecksAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        // Listing targets only reads baselines, so it runs here rather than as an orchestration of its own.
        var targets = await drift.TargetsAsync(new DriftRequest(null), cancellationToken);
        var now = time.GetUtcNow();
        var started = new List<string>();
        foreach (var target in targets.DistinctBy(t => (t.Rule, t.Destination.LockKey)))
        {
            var rule = config.Rules.First(r => r.Name == target.Rule);
            var id = DriftInstanceIds.For(rule.Name, target.Destination, rule.Drift.Interval, now);
            if (await client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken) is not null) continue;
            await client.ScheduleNewOrchestrationInstanceAsync(DriftOrchestrator.Name, new DriftRequest(rule.Name) { Destination = target.Destination },
                new StartOrchestrationOptions { InstanceId = id }, cancellationToken);
            logger.LogInformation("drift check {InstanceId} started for rule {Rule}, sink {Sink} destination {Destination}", id, rule.Name, target.Destination.Sink, target.Destination.Destination);
            started.Add(id);
        }
        return started;
    }
}

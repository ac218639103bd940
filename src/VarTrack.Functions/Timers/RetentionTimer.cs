using Microsoft.Azure.Functions.Worker;
using VarTrack.Core.State;

namespace VarTrack.Functions.Timers;

/// <summary>
/// The retention timer (hourly, at minute 17): runs the Core <see cref="RetentionSweep"/> in the function itself, as
/// the drift timer lists its targets: prune the state store (heal records under <c>syncs/</c>, delivery ids, leftover
/// snapshots) and compact the instance's cached clones. Every instance's timer may fire; pruning is safe run at once.
/// Sync orchestrations themselves are Durable instances, kept by the task hub (purge them with the Durable tooling).
/// </summary>
public sealed class RetentionTimer(RetentionSweep sweep)
{
    public const string Name = "retention-timer";

    /// <summary>Fixed rather than an app setting: hourly is enough for every limit, which are days and counts.</summary>
    public const string Schedule = "0 17 * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.RunAsync(cancellationToken);
}

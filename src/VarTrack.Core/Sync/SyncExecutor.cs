using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Sync;

/// <summary>
/// Runs one <see cref="SyncJob"/> the caller rendered itself (the CLI's local files, tests, benchmarks) through the
/// same <see cref="SyncWorkflow"/> the servers run, in process: destination locks, snapshots, parallel upserts, prune
/// after every upsert succeeded, restore of every written destination on failure. Snapshots stay in memory.
/// </summary>
public sealed class SyncExecutor(ISinkProvider sinks, IDestinationLocks locks, TimeProvider? time = null, ICommitHistory? history = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How long one sink call may take before it counts as failed (see <see cref="DestinationSync.SinkTimeout"/>).</summary>
    public TimeSpan SinkTimeout { get; init; } = TimeSpan.FromMinutes(2);

    private DestinationSync Destinations => new(sinks, _time) { SinkTimeout = SinkTimeout };

    /// <summary>A dry run: read every destination and plan, writing nothing and taking no locks.</summary>
    public async Task<IReadOnlyList<DestinationPlan>> PlanAsync(SyncJob job, CancellationToken cancellationToken = default)
    {
        ReservedKeys.Check(job.File);
        var destinations = Destinations;
        return await Task.WhenAll(job.Destinations.Select(d => destinations.DryRunAsync(job, d, cancellationToken)));
    }

    public async Task<SyncReport> RunAsync(SyncJob job, IProgress<SinkReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ReservedKeys.Check(job.File);
        var source = new GivenJobSource(history);
        var file = source.Add(job);
        var state = new InMemoryStateStore();
        var activities = new SyncActivities(source, Destinations, new SnapshotStore(state), new BaselineStore(state), _time);
        var steps = new InProcessWorkflowSteps(activities.AddTo(new ActivityTable()), locks, _time, cancellationToken);
        SyncReport report;
        try
        {
            report = await SyncWorkflow.RunFileAsync(steps, file);
        }
        finally
        {
            source.Remove(file);
        }
        foreach (var sink in report.Sinks) progress?.Report(sink);
        cancellationToken.ThrowIfCancellationRequested();
        return report;
    }
}

using VarTrack.Core.Drift;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// The activities of the sync workflow, each a few lines over <see cref="DestinationSync"/>: they load the file's
/// values themselves (so inputs carry references only), keep the pre-write snapshot in the state store between plan
/// and restore, and record the applied baseline. Every result is masked.
/// </summary>
public sealed class SyncActivities(ISyncJobSource jobs, DestinationSync destinations, SnapshotStore snapshots, BaselineStore baselines, TimeProvider time)
{
    public const string Plan = "sync-plan";
    public const string Write = "sync-write";
    public const string Restore = "sync-restore";
    public const string Record = "sync-record";

    public ActivityTable AddTo(ActivityTable table) => table
        .Add<DestinationStep, DestinationPlanResult>(Plan, PlanAsync)
        .Add<DestinationStep, DestinationWriteResult>(Write, WriteAsync)
        .Add<DestinationStep, DestinationWriteResult>(Restore, (step, _) => RestoreAsync(step), cleanup: true)
        .Add<RecordStep, bool>(Record, RecordAsync, cleanup: true);

    public async Task<DestinationPlanResult> PlanAsync(DestinationStep step, CancellationToken cancellationToken)
    {
        LoadedFile loaded;
        try
        {
            loaded = await jobs.LoadAsync(step.File, cancellationToken);
        }
        catch (VarTrackException ex)
        {
            return new DestinationPlanResult(SinkOutcome.Failed, string.Join("; ", ex.Problems.Select(p => p.ToString())), null, null);
        }
        var (job, destination) = Find(loaded, step);
        var decision = await destinations.PlanAsync(job, destination, loaded.History, cancellationToken);
        if (decision.Snapshot is { } snapshot && decision.Outcome is null)
            await snapshots.SaveAsync(step.File.SyncId, job.TargetFor(destination), destination.Sink.Name, snapshot, cancellationToken);
        return new DestinationPlanResult(decision.Outcome, decision.Error, decision.Changes is null ? null : ChangeSummary.Of(decision.Changes), decision.Snapshot?.Provenance?.Commit)
        {
            Phases = decision.Phases,
        };
    }

    public async Task<DestinationWriteResult> WriteAsync(DestinationStep step, CancellationToken cancellationToken)
    {
        var loaded = await jobs.LoadAsync(step.File, cancellationToken);
        var (job, destination) = Find(loaded, step);
        var snapshot = await snapshots.LoadAsync(step.File.SyncId, job.TargetFor(destination), destination.Sink.Name, cancellationToken);
        return await destinations.WriteAsync(job, destination, snapshot, step.Phases.Single(), cancellationToken);
    }

    public async Task<DestinationWriteResult> RestoreAsync(DestinationStep step)
    {
        var loaded = await jobs.LoadAsync(step.File, CancellationToken.None);
        var (job, destination) = Find(loaded, step);
        var snapshot = await snapshots.LoadAsync(step.File.SyncId, job.TargetFor(destination), destination.Sink.Name, CancellationToken.None);
        return await destinations.RestoreAsync(job, destination, snapshot, step.Phases);
    }

    /// <summary>
    /// Ends a file's sync: records the applied baseline of every destination that now holds it (removes it for a
    /// deleted file) and drops the snapshots.
    /// </summary>
    public async Task<bool> RecordAsync(RecordStep step, CancellationToken cancellationToken)
    {
        var file = step.File;
        foreach (var destination in file.Destinations)
            await snapshots.DeleteAsync(file.SyncId, new SinkTarget(destination.Destination, file.Rule, file.File), destination.Sink, cancellationToken);
        if (file.Source == FileSyncSource.Given) return true;

        var loaded = await jobs.LoadAsync(file, cancellationToken);
        foreach (var destination in step.Applied)
        {
            if (file.Deleted)
            {
                await baselines.DeleteAsync(destination.Sink, destination.Destination, file.Rule, file.File, cancellationToken);
                continue;
            }
            await baselines.SaveAsync(new AppliedBaseline(destination.Sink, destination.Destination, file.Rule, file.File, file.Environment)
            {
                Tenant = loaded.Job.Rule.Tenant,
                Repository = file.Repository,
                CloneUrl = file.CloneUrl,
                Ref = file.Ref,
                Commit = file.Commit,
                CommitTime = file.CommitTime,
                AppliedAt = time.GetUtcNow(),
                ContentHash = Planning.ContentHash.Compute(loaded.Job.File.Values),
                SyncId = file.Source == FileSyncSource.Baseline ? null : file.SyncId,
                Values = loaded.References ?? new Dictionary<string, string?>(),
                Sensitive = loaded.Job.File.Sensitive,
            }, cancellationToken);
        }
        return true;
    }

    private static (SyncJob Job, SyncDestination Destination) Find(LoadedFile loaded, DestinationStep step) =>
        (loaded.Job, loaded.Job.Destinations.First(d => d.Sink.Name == step.Destination.Sink && d.Destination == step.Destination.Destination));
}

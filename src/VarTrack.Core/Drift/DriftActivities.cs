using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>
/// The activities of the drift workflow: list the watched destinations, compare one destination's live state with its
/// applied baseline (through the same read and planner a sync uses), and record a heal.
/// </summary>
public sealed class DriftActivities(VarTrackConfig config, ISyncJobSource jobs, DestinationSync destinations, BaselineStore baselines,
    DriftReportStore reports, SyncRecordStore records, TimeProvider time)
{
    public const string Targets = "drift-targets";
    public const string Check = "drift-check";
    public const string Healed = "drift-healed";

    public ActivityTable AddTo(ActivityTable table) => table
        .Add<DriftRequest, List<DriftTarget>>(Targets, TargetsAsync)
        .Add<DriftCheckStep, DriftCheck>(Check, CheckAsync)
        .Add<DriftHeal, DriftReport>(Healed, HealedAsync, cleanup: true);

    public async Task<List<DriftTarget>> TargetsAsync(DriftRequest request, CancellationToken cancellationToken)
    {
        var targets = new List<DriftTarget>();
        foreach (var baseline in await baselines.ListAsync(cancellationToken))
        {
            var rule = config.Rules.FirstOrDefault(r => r.Name == baseline.Rule);
            if (rule is null || !rule.Drift.Enabled || (request.Rule is not null && request.Rule != rule.Name)) continue;
            if (request.Destination is { } only && (only.Sink != baseline.Sink || only.Destination != baseline.Destination)) continue;
            if (!config.Sinks.TryGetValue(baseline.Sink, out var sink)) continue;
            targets.Add(new DriftTarget(new DestinationRef(baseline.Sink, baseline.Destination) { Type = sink.Type }, baseline.Rule, baseline.File, baseline.Environment, rule.Drift.SelfHeal));
        }
        return targets;
    }

    public async Task<DriftCheck> CheckAsync(DriftCheckStep step, CancellationToken cancellationToken)
    {
        var target = step.Target;
        var baseline = await baselines.LoadAsync(target.Destination.Sink, target.Destination.Destination, target.Rule, target.File, cancellationToken);
        var now = time.GetUtcNow();
        if (baseline is null)
            return new DriftCheck(Report(target, DriftState.InSync, now) with { Error = "no applied baseline (the file was removed)" }, null);
        var heal = target.HealFile(step.HealSyncId, baseline);
        DestinationPlan plan;
        try
        {
            var loaded = await jobs.LoadAsync(heal, cancellationToken);
            // Drift is every difference from the baseline: owned keys that should not be there count even without prune.
            var rule = loaded.Job.Rule with { Prune = true, Protect = [], Strategy = loaded.Job.Rule.Strategy == SyncStrategy.LiveState ? SyncStrategy.LiveState : SyncStrategy.Auto };
            plan = await destinations.DryRunAsync(loaded.Job with { Rule = rule }, loaded.Job.Destinations.Single(), cancellationToken);
        }
        catch (VarTrackException ex)
        {
            var unreachable = Report(target, DriftState.Unreachable, now) with { Commit = baseline.Commit, Error = string.Join("; ", ex.Problems.Select(p => p.Message)) };
            await reports.SaveAsync(unreachable, cancellationToken);
            return new DriftCheck(unreachable, null);
        }

        var keys = plan.Changes.Changes.Where(c => c.Kind != ChangeKind.Rewrite).Select(c => c.Kind switch
        {
            ChangeKind.Add => new ChangeLine(c.Key, ChangeKind.Remove, c.AfterDisplay, null),
            ChangeKind.Remove => new ChangeLine(c.Key, ChangeKind.Add, null, c.BeforeDisplay),
            _ => new ChangeLine(c.Key, ChangeKind.Change, c.AfterDisplay, c.BeforeDisplay),
        }).ToList();
        var report = Report(target, keys.Count == 0 ? DriftState.InSync : DriftState.Drifted, now) with { Commit = baseline.Commit, Keys = keys };
        if (report.State == DriftState.InSync && await reports.LoadAsync(target.Destination.Sink, target.Destination.Destination, target.Rule, target.File, cancellationToken) is { HealedAt: { } healedAt } last)
            report = report with { HealedAt = healedAt, HealSyncId = last.HealSyncId };
        await reports.SaveAsync(report, cancellationToken);
        return new DriftCheck(report, report.State == DriftState.Drifted && target.SelfHeal ? heal : null);
    }

    public async Task<DriftReport> HealedAsync(DriftHeal heal, CancellationToken cancellationToken)
    {
        await records.SaveAsync(heal.Heal, cancellationToken);
        var succeeded = heal.Heal.State == SyncState.Succeeded;
        var report = heal.Report with
        {
            State = succeeded ? DriftState.Healed : DriftState.HealFailed,
            HealedAt = succeeded ? heal.Heal.FinishedAt : heal.Report.HealedAt,
            HealSyncId = heal.Heal.Id,
            Error = succeeded ? null : string.Join("; ", heal.Heal.Files.SelectMany(f => f.Sinks).Select(s => s.Error).Where(e => e is not null)),
        };
        await reports.SaveAsync(report, cancellationToken);
        return report;
    }

    private static DriftReport Report(DriftTarget target, DriftState state, DateTimeOffset at) =>
        new(target.Destination.Sink, target.Destination.Destination, target.Rule, target.File, target.Environment, state, at);
}

using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>
/// "Check for drift", written once: for every watched destination, under its critical section (so a sync in progress
/// is never mistaken for drift), compare the live state with the applied baseline; when it drifted and the rule
/// heals, re-apply the baseline through the sync workflow (no Git fetch) and record the heal.
/// </summary>
public static class DriftWorkflow
{
    public static async Task<IReadOnlyList<DriftReport>> RunAsync(IWorkflowSteps steps, DriftRequest request)
    {
        var reports = new List<DriftReport>();
        foreach (var target in await steps.CallAsync<List<DriftTarget>>(DriftActivities.Targets, request))
        {
            DriftCheck check;
            await using (await steps.LockAsync([target.Destination.LockKey]))
                check = await steps.CallAsync<DriftCheck>(DriftActivities.Check, new DriftCheckStep(target, HealIdFor(target, steps.UtcNow)));
            if (check.Heal is not { } heal)
            {
                reports.Add(check.Report);
                continue;
            }
            var started = steps.UtcNow;
            var report = await SyncWorkflow.RunFileAsync(steps, heal);
            var healRequest = new SyncRequest(heal.SyncId, heal.Repository ?? "", heal.CloneUrl ?? "", heal.Ref ?? "", heal.Commit ?? "") { Trigger = "heal", RequestedAt = started };
            var record = new SyncRecord(heal.SyncId, report.Succeeded ? SyncState.Succeeded : SyncState.Failed, healRequest)
            {
                StartedAt = started,
                FinishedAt = steps.UtcNow,
                Files = [report],
            };
            reports.Add(await steps.CallAsync<DriftReport>(DriftActivities.Healed, new DriftHeal(check.Report, record)));
        }
        return reports;
    }

    /// <summary>Deterministic (replay-safe) and in the same shape as every sync id, so heals show in the sync API.</summary>
    private static string HealIdFor(DriftTarget target, DateTimeOffset now) =>
        SyncIds.For($"heal:{target.Destination.LockKey}\n{target.Rule}\n{target.File}", "heal", now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
}

using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// "Sync one commit", written once for every host as a deterministic workflow over <see cref="IWorkflowSteps"/>:
/// resolve the files at the commit -> per file, under the destinations' critical section: plan every destination ->
/// one write activity per destination in parallel (upserts) -> prune, only if every upsert succeeded -> on any failure
/// restore the written destinations from their snapshots -> record the applied baselines. Files run one after another
/// (a Durable orchestration may hold one critical section at a time); each file is all-or-nothing on its own.
/// </summary>
public static class SyncWorkflow
{
    public static async Task<SyncRecord> RunAsync(IWorkflowSteps steps, SyncRequest request)
    {
        var started = steps.UtcNow;
        var resolved = await CallAsync(steps, SyncResolver.Resolve, request, error => new ResolvedSync([], [], error));
        if (resolved.Error is not null)
            return new SyncRecord(request.SyncId, SyncState.Failed, request) { StartedAt = started, FinishedAt = steps.UtcNow, Error = resolved.Error };

        var reports = new List<SyncReport>(resolved.Invalid);
        foreach (var file in resolved.Files)
            reports.Add(await RunFileAsync(steps, file));
        var succeeded = reports.All(r => r.Succeeded);
        if (succeeded && resolved.Files.Count > 0)
            await CallAsync(steps, SyncResolver.Finish, new SyncFinish(request, resolved.Files[0].Commit!), _ => false);
        return new SyncRecord(request.SyncId, succeeded ? SyncState.Succeeded : SyncState.Failed, request)
        {
            StartedAt = started,
            FinishedAt = steps.UtcNow,
            Files = reports,
        };
    }

    /// <summary>One file into all its destinations, all or nothing.</summary>
    public static async Task<SyncReport> RunFileAsync(IWorkflowSteps steps, FileSync file)
    {
        var destinations = file.Destinations.DistinctBy(d => d.LockKey).ToList();
        var results = destinations.ToDictionary(d => d, _ => new DestinationProgress());
        await using (await steps.LockAsync(destinations.Select(d => d.LockKey).Order(StringComparer.Ordinal).ToList()))
        {
            var plans = await Task.WhenAll(destinations.Select(d => CallAsync(steps, SyncActivities.Plan, new DestinationStep(file, d),
                error => new DestinationPlanResult(SinkOutcome.Failed, error, null, null))));
            for (var i = 0; i < destinations.Count; i++) results[destinations[i]].Plan = plans[i];

            if (plans.Any(p => p.Outcome == SinkOutcome.Failed))
            {
                foreach (var progress in results.Values.Where(p => p.Plan!.Outcome is null)) progress.Outcome = SinkOutcome.NotWritten;
            }
            else
            {
                var toWrite = destinations.Where(d => results[d].Plan!.Outcome is null).ToList();
                var succeeded = await WritePhaseAsync(steps, file, toWrite, results, WritePhase.Upsert)
                                && await WritePhaseAsync(steps, file, toWrite, results, WritePhase.Prune);
                if (succeeded)
                    foreach (var destination in toWrite) results[destination].Outcome = SinkOutcome.Applied;
                else
                    await RestoreAsync(steps, file, destinations, results);
            }

            var applied = destinations.Where(d => (results[d].Outcome ?? results[d].Plan!.Outcome) is SinkOutcome.Applied or SinkOutcome.Unchanged).ToList();
            var allSucceeded = results.Values.All(r => (r.Outcome ?? r.Plan!.Outcome) is SinkOutcome.Applied or SinkOutcome.Unchanged or SinkOutcome.SkippedOlderCommit);
            await CallAsync(steps, SyncActivities.Record, new RecordStep(file, allSucceeded ? applied : []), _ => false);
        }

        var sinks = destinations.Select(d =>
        {
            var result = results[d];
            return new SinkReport(d.Sink, d.Type, d.Destination, result.Outcome ?? result.Plan!.Outcome!.Value)
            {
                Changes = result.Plan!.Changes,
                Error = result.Error ?? result.Plan.Error,
                PreviousCommit = result.Plan.PreviousCommit,
            };
        }).ToList();
        return new SyncReport(file.File, file.Rule, file.Environment, file.Commit, sinks) { Deleted = file.Deleted };
    }

    /// <summary>One write phase at every destination that has it, in parallel; false if any failed.</summary>
    private static async Task<bool> WritePhaseAsync(IWorkflowSteps steps, FileSync file, List<DestinationRef> destinations, Dictionary<DestinationRef, DestinationProgress> results, WritePhase phase)
    {
        var writing = destinations.Where(d => results[d].Plan!.Phases.Contains(phase)).ToList();
        var writes = await Task.WhenAll(writing.Select(d => CallAsync(steps, SyncActivities.Write, new DestinationStep(file, d) { Phases = [phase] },
            error => new DestinationWriteResult(false, true, error))));
        for (var i = 0; i < writing.Count; i++)
        {
            var progress = results[writing[i]];
            if (writes[i].MayHaveWritten) progress.Written.Add(phase);
            if (!writes[i].Ok)
            {
                progress.Outcome = SinkOutcome.Failed;
                progress.Error = writes[i].Error;
            }
        }
        return writes.All(w => w.Ok);
    }

    private static async Task RestoreAsync(IWorkflowSteps steps, FileSync file, List<DestinationRef> destinations, Dictionary<DestinationRef, DestinationProgress> results)
    {
        var written = destinations.Where(d => results[d].Written.Count > 0).ToList();
        var restores = await Task.WhenAll(written.Select(d => CallAsync(steps, SyncActivities.Restore, new DestinationStep(file, d) { Phases = results[d].Written.ToList() },
            error => new DestinationWriteResult(false, true, "restore failed: " + error))));
        for (var i = 0; i < written.Count; i++)
        {
            var progress = results[written[i]];
            if (restores[i].Ok)
                progress.Outcome ??= SinkOutcome.RolledBack;
            else
            {
                progress.Error = progress.Error is null ? restores[i].Error : $"{progress.Error}; {restores[i].Error}";
                progress.Outcome = SinkOutcome.RollbackFailed;
            }
        }
        foreach (var progress in results.Values.Where(p => p.Outcome is null && p.Plan!.Outcome is null)) progress.Outcome = SinkOutcome.NotWritten;
    }

    /// <summary>
    /// Activities report failures in their results; an exception here is the activity itself failing (a bug, a
    /// cancelled host, a Durable task failure), turned into the same failed result so rollback still runs.
    /// </summary>
    private static async Task<T> CallAsync<T>(IWorkflowSteps steps, string activity, object input, Func<string, T> failed)
    {
        try
        {
            return await steps.CallAsync<T>(activity, input);
        }
        catch (Exception ex)
        {
            return failed(ex is OperationCanceledException ? $"{activity}: cancelled" : $"{activity}: {ex.Message}");
        }
    }

    /// <summary>The workflow's bookkeeping for one destination (local state only; never leaves the workflow).</summary>
    private sealed class DestinationProgress
    {
        public DestinationPlanResult? Plan { get; set; }
        public HashSet<WritePhase> Written { get; } = [];
        public SinkOutcome? Outcome { get; set; }
        public string? Error { get; set; }
    }
}

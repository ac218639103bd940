using System.Globalization;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Replication;

/// <summary>
/// One replication run, written once for every host as a deterministic workflow over <see cref="IWorkflowSteps"/>:
/// under one critical section over every owner of the run (<c>vault-replication/&lt;owner&gt;</c>; one cycle at a time
/// per owner), the origin cycle (list -> scan bucket groups -> publish unless unchanged), then the destination cycles
/// in parallel (plan -> copy chunks -> delete chunks -> publish). Each owner's cycle races a durable timer: a cycle
/// that loses is abandoned with nothing published; the host stopping ends it as stopped with nothing published.
/// Every cycle is recorded for status. Inputs and results are references, counts and masked messages only.
/// </summary>
public static class ReplicationWorkflow
{
    public const string LockPrefix = "vault-replication/";

    public static async Task<ReplicationCycleResult> RunAsync(IWorkflowSteps steps, ReplicationCycleRequest request)
    {
        var started = steps.UtcNow;
        ReplicationCycleStart start;
        try
        {
            start = await steps.CallAsync<ReplicationCycleStart>(ReplicationActivities.Start, request);
        }
        catch (OperationCanceledException)
        {
            return new ReplicationCycleResult(Stopped("origin", request.CycleId, started, steps.UtcNow), []);
        }
        if (start.Failure is { } failure)
        {
            var progress = new CycleProgress(start.Origin, request.CycleId, started, started);
            return new ReplicationCycleResult(progress.Fail(failure) with { Finished = steps.UtcNow }, []);
        }

        var destinations = start.Destinations.Select(ReplicationDestination.OwnerOf).ToList();
        var owners = request.OriginOnly ? [start.Origin] : destinations.Prepend(start.Origin).ToList();
        IAsyncDisposable held;
        try
        {
            held = await steps.LockAsync(owners.Select(o => LockPrefix + o).Order(StringComparer.Ordinal).ToList());
        }
        catch (OperationCanceledException)
        {
            return new ReplicationCycleResult(Stopped(start.Origin, request.CycleId, started, steps.UtcNow), []);
        }
        catch (Exception ex)
        {
            // The lock store being down (a Blob lease that cannot be taken) is an outage like any other: this run
            // fails, is recorded, and the next one tries again; it must never take the host down.
            var progress = new CycleProgress(start.Origin, request.CycleId, started, started);
            var failed = progress.Fail(new StepFailure($"{start.Origin}: cannot take the replication lock; nothing was done: {ex.Message}")) with { Finished = steps.UtcNow };
            await RecordAsync(steps, failed);
            return new ReplicationCycleResult(failed, []);
        }

        await using (held)
        {
            var origin = await RunOwnerAsync(steps, start.Origin, request.CycleId, start.Timeout, progress => OriginCycleAsync(steps, start, progress));
            await RecordAsync(steps, origin);
            // Destinations catch up with the last good origin index even when this origin cycle failed, but not when
            // it could not run at all (fatal), ran out of time or the host is stopping.
            if (request.OriginOnly || origin.Outcome is CycleOutcome.Fatal or CycleOutcome.Abandoned or CycleOutcome.Stopped)
                return new ReplicationCycleResult(origin, []);

            var cycles = await Task.WhenAll(start.Destinations.Select(name =>
                RunOwnerAsync(steps, ReplicationDestination.OwnerOf(name), request.CycleId, start.Timeout, progress => DestinationCycleAsync(steps, start, name, progress))));
            await Task.WhenAll(cycles.Select(cycle => RecordAsync(steps, cycle)));
            return new ReplicationCycleResult(origin, cycles);
        }
    }

    private static async Task<OwnerCycle> OriginCycleAsync(IWorkflowSteps steps, ReplicationCycleStart start, CycleProgress progress)
    {
        var listing = await steps.CallAsync<OriginListing>(ReplicationActivities.OriginList, new OriginListStep(progress.CycleId, progress.Deadline));
        if (listing.Failure is { } listFailure) return progress.Fail(listFailure);
        progress.Paths = listing.Paths;
        progress.Generation = listing.PreviousGeneration;

        var scans = await InWavesAsync(listing.Groups, start.FanOut, progress, scan => scan.Failure is not null,
            group => steps.CallAsync<OriginScan>(ReplicationActivities.OriginScan,
                new OriginScanStep(progress.CycleId, listing.Generation, group, progress.Deadline) { PreviousTag = listing.PreviousTag }));
        if (FirstFailure(scans.Select(s => s.Failure)) is { } scanFailure) return progress.Fail(scanFailure);
        if (progress.Abandoned) return progress.End(CycleOutcome.Abandoned);

        var buckets = scans.SelectMany(s => s.Buckets).OrderBy(b => b.Bucket).ToList();
        progress.Paths = buckets.Sum(b => b.Paths);
        progress.Changed = scans.Sum(s => s.Changed);
        if (listing.PreviousTag is not null && buckets.All(b => !b.Changed)) return progress.End(CycleOutcome.Unchanged);

        progress.Publishing = true;
        var published = await steps.CallAsync<SyncInfoPublished>(ReplicationActivities.OriginPublish,
            new OriginPublishStep(progress.CycleId, listing.Generation, steps.UtcNow, buckets, progress.Deadline) { PreviousTag = listing.PreviousTag });
        if (published.Failure is { } publishFailure) return progress.Fail(publishFailure);
        progress.Generation = published.Generation;
        return progress.End(CycleOutcome.Published);
    }

    private static async Task<OwnerCycle> DestinationCycleAsync(IWorkflowSteps steps, ReplicationCycleStart start, string destination, CycleProgress progress)
    {
        var plan = await steps.CallAsync<ReplicaPlan>(ReplicationActivities.DestinationPlan, new ReplicaPlanStep(progress.CycleId, destination, progress.Deadline));
        if (plan.Failure is { } planFailure) return progress.Fail(planFailure);
        progress.Paths = plan.Paths;
        progress.Generation = plan.RecordedGeneration;
        progress.SourceGeneration = plan.Generation is null ? plan.OriginGeneration : null;
        progress.Changed = plan.Copies + plan.Deletes;
        progress.Pending = plan.Pending;
        progress.Errors(plan.Errors);
        if (plan.Refused) return progress.End(CycleOutcome.Refused);
        if (plan.Generation is null) return progress.End(CycleOutcome.Unchanged);

        // Copies first, deletes after: a renamed secret exists at its new path before the old one goes.
        foreach (var (activity, chunks, isCopy) in new[] { (ReplicationActivities.DestinationCopy, plan.CopyChunks, true), (ReplicationActivities.DestinationDelete, plan.DeleteChunks, false) })
        {
            var results = await InWavesAsync(Enumerable.Range(0, chunks).ToList(), start.FanOut, progress, result => result.Failure is not null,
                chunk => steps.CallAsync<ReplicaChunkResult>(activity, new ReplicaChunkStep(progress.CycleId, destination, plan.Generation, chunk, progress.Deadline)));
            foreach (var result in results)
            {
                if (isCopy) progress.Copied += result.Applied;
                else progress.Deleted += result.Applied;
                progress.Pending += result.Failed + result.Skipped;
                progress.Errors(result.Errors);
            }
            if (FirstFailure(results.Select(r => r.Failure)) is { } chunkFailure)
            {
                progress.Pending = plan.Copies + plan.Deletes + plan.Pending - progress.Copied - progress.Deleted;
                return progress.Fail(chunkFailure);
            }
            if (progress.Abandoned) return progress.End(CycleOutcome.Abandoned);
        }

        progress.Publishing = true;
        var published = await steps.CallAsync<SyncInfoPublished>(ReplicationActivities.DestinationPublish,
            new ReplicaPublishStep(progress.CycleId, destination, plan.Generation, plan.OriginGeneration!, steps.UtcNow, plan.ChangedBuckets, progress.Deadline)
            {
                PreviousTag = plan.PreviousTag,
            });
        if (published.Failure is { } publishFailure)
        {
            progress.Pending = plan.Copies + plan.Deletes + plan.Pending;
            return progress.Fail(publishFailure);
        }
        progress.Generation = published.Generation;
        progress.SourceGeneration = plan.OriginGeneration;
        // Only the caught-up origin generation was recorded: nothing was written to Vault.
        return progress.End(plan.ChangedBuckets.Count == 0 ? CycleOutcome.Unchanged : CycleOutcome.Published);
    }

    /// <summary>
    /// Races one owner's cycle against a durable timer. The timer winning abandons the cycle (its work starts no
    /// further activity and its activities stop at the same deadline), unless its publish is already under way, whose
    /// answer is then awaited so the outcome never contradicts what was saved.
    /// </summary>
    private static async Task<OwnerCycle> RunOwnerAsync(IWorkflowSteps steps, string owner, string cycleId, TimeSpan timeout, Func<CycleProgress, Task<OwnerCycle>> run)
    {
        var started = steps.UtcNow;
        var progress = new CycleProgress(owner, cycleId, started, started + timeout);
        using var timer = new CancellationTokenSource();
        var work = GuardedAsync(run, progress);
        var delay = steps.DelayAsync(timeout, timer.Token);
        if (await Task.WhenAny(work, delay) == work)
        {
            // Synchronously: a Durable timer's cancellation must run on the orchestration's own thread.
            timer.Cancel();
            return (await work) with { Finished = steps.UtcNow };
        }
        if (delay.IsCanceled || delay.IsFaulted)
        {
            // The host is stopping: a publish under way is awaited (it stops promptly) so a saved index is never
            // reported as nothing published.
            if (progress.Publishing) return (await work) with { Finished = steps.UtcNow };
            return Stopped(owner, cycleId, started, steps.UtcNow, progress);
        }
        progress.Abandoned = true;
        if (progress.Publishing) return (await work) with { Finished = steps.UtcNow };
        return progress.Abandon() with { Finished = steps.UtcNow };
    }

    /// <summary>The host stopping surfaces as cancellation; anything else thrown is an activity that failed outright.</summary>
    private static async Task<OwnerCycle> GuardedAsync(Func<CycleProgress, Task<OwnerCycle>> run, CycleProgress progress)
    {
        try
        {
            return await run(progress);
        }
        catch (OperationCanceledException)
        {
            return progress.Stop();
        }
        catch (Exception ex)
        {
            return progress.Fail(new StepFailure($"{progress.Owner}: an activity failed: {ex.Message}"));
        }
    }

    /// <summary>Calls in waves of <paramref name="width"/> (the configured fan-out); stops after a wave with a failure or once abandoned.</summary>
    private static async Task<List<TResult>> InWavesAsync<TItem, TResult>(IReadOnlyList<TItem> items, int width, CycleProgress progress,
        Func<TResult, bool> failed, Func<TItem, Task<TResult>> call)
    {
        var results = new List<TResult>(items.Count);
        for (var i = 0; i < items.Count && !progress.Abandoned; i += Math.Max(1, width))
        {
            var wave = await Task.WhenAll(items.Skip(i).Take(Math.Max(1, width)).Select(call));
            results.AddRange(wave);
            if (wave.Any(failed)) break;
        }
        return results;
    }

    private static StepFailure? FirstFailure(IEnumerable<StepFailure?> failures)
    {
        var all = failures.OfType<StepFailure>().ToList();
        return all.FirstOrDefault(f => f.Fatal) ?? all.FirstOrDefault(f => f.TimedOut) ?? all.FirstOrDefault();
    }

    private static async Task RecordAsync(IWorkflowSteps steps, OwnerCycle cycle)
    {
        try
        {
            await steps.CallAsync<bool>(ReplicationActivities.CycleRecord, cycle);
        }
        catch (Exception)
        {
            // Status is best effort: the cycle's outcome stands whether or not it could be recorded.
        }
    }

    private static OwnerCycle Stopped(string owner, string cycleId, DateTimeOffset started, DateTimeOffset finished, CycleProgress? progress = null)
    {
        progress ??= new CycleProgress(owner, cycleId, started, started);
        return progress.Stop() with { Finished = finished };
    }

    internal static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds < 120
            ? timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
            : timeout.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture) + " min";
}

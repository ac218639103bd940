using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// One destination's part of a sync, as separate steps the sync workflow calls as activities: plan (read the snapshot,
/// skip an older commit, plan the change set), write one phase, restore the keys a failed sync touched. Every step
/// recomputes what it needs from the job and the snapshot (the plan is a pure function of both), so no step hands raw
/// values to the next. Sink calls are bounded by <see cref="SinkTimeout"/>; errors name sink and destination and are
/// scrubbed of every secret the job or the sink settings hold.
/// </summary>
public sealed class DestinationSync(ISinkProvider sinks, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// How long one sink call (read, apply, restore) may take before it counts as failed: a hung store must fail the
    /// sync (and roll the others back), not hang it. Calls that ignore cancellation are abandoned, not awaited.
    /// </summary>
    public TimeSpan SinkTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Reads the destination and plans; a newer commit already applied means nothing is written there.</summary>
    public async Task<DestinationDecision> PlanAsync(SyncJob job, SyncDestination destination, ICommitHistory? history, CancellationToken cancellationToken)
    {
        Snapshot snapshot;
        try
        {
            snapshot = await OnSinkAsync(destination, (sink, ct) => sink.ReadAsync(job.TargetFor(destination), ct), cancellationToken);
        }
        catch (Exception ex)
        {
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                return new DestinationDecision(null, null, SinkOutcome.Failed, $"sink '{destination.Sink.Name}' ({destination.Sink.Type}) destination '{destination.Destination}': cancelled");
            return new DestinationDecision(null, null, SinkOutcome.Failed, Describe(destination, ex, ScrubberFor(job, destination)));
        }

        var previous = snapshot.Provenance;
        if (await IsOlderThanAppliedAsync(job, previous, history, cancellationToken))
            return new DestinationDecision(snapshot, null, SinkOutcome.SkippedOlderCommit, $"destination holds commit {previous!.Commit} (newer than {job.Commit}); nothing written");

        var changes = Planner.Plan(job.File.Values, snapshot, PlanOptions.For(job.Rule));
        if (changes.IsSkipped || (changes.IsEmpty && previous is not null && previous.ContentHash == changes.ContentHash
                                  && previous.Commit == job.Commit && previous.OwnedKeys.SetEquals(changes.OwnedKeysAfter)))
            return new DestinationDecision(snapshot, changes, SinkOutcome.Unchanged, null);

        var phases = PhasesOf(job, snapshot, changes);
        return new DestinationDecision(snapshot, changes, null, null) { Phases = phases.Keys.ToList() };
    }

    /// <summary>Writes one phase of the plan against <paramref name="snapshot"/>.</summary>
    public async Task<DestinationWriteResult> WriteAsync(SyncJob job, SyncDestination destination, Snapshot snapshot, WritePhase phase, CancellationToken cancellationToken)
    {
        var changes = Planner.Plan(job.File.Values, snapshot, PlanOptions.For(job.Rule));
        if (!PhasesOf(job, snapshot, changes).TryGetValue(phase, out var write))
            return DestinationWriteResult.Success with { MayHaveWritten = false };
        try
        {
            await OnSinkAsync(destination, async (sink, ct) => { await sink.ApplyAsync(job.TargetFor(destination), write.Changes, write.Provenance, ct); return true; }, cancellationToken);
            return DestinationWriteResult.Success;
        }
        catch (Exception ex)
        {
            // A conditional write that refused before writing leaves nothing of this call to undo.
            var mayHaveWritten = ex is not DestinationChangedException { NothingWritten: true };
            var error = ex is OperationCanceledException && cancellationToken.IsCancellationRequested
                ? $"sink '{destination.Sink.Name}' ({destination.Sink.Type}) destination '{destination.Destination}': cancelled"
                : Describe(destination, ex, ScrubberFor(job, destination));
            return new DestinationWriteResult(false, mayHaveWritten, error);
        }
    }

    /// <summary>
    /// Puts back the keys the given phases wrote (or may have written), with the snapshot's provenance; keys someone
    /// else changed meanwhile are left as they are. Runs whatever the caller's token says: half-written is never left
    /// behind willingly.
    /// </summary>
    public async Task<DestinationWriteResult> RestoreAsync(SyncJob job, SyncDestination destination, Snapshot snapshot, IReadOnlyCollection<WritePhase> writtenPhases)
    {
        var changes = Planner.Plan(job.File.Values, snapshot, PlanOptions.For(job.Rule));
        var touched = PhasesOf(job, snapshot, changes).Where(p => writtenPhases.Contains(p.Key)).SelectMany(p => p.Value.Changes.Changes).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        try
        {
            var target = job.TargetFor(destination);
            var current = await OnSinkAsync(destination, (sink, ct) => sink.ReadAsync(target, ct), CancellationToken.None);
            var back = new Dictionary<string, FlatValue>(current.Values, StringComparer.Ordinal);
            foreach (var key in touched)
            {
                if (snapshot.Values.TryGetValue(key, out var before)) back[key] = before;
                else back.Remove(key);
            }
            await OnSinkAsync(destination, async (sink, ct) => { await sink.RestoreAsync(target, new Snapshot(back, snapshot.Provenance), ct); return true; }, CancellationToken.None);
            return DestinationWriteResult.Success;
        }
        catch (Exception ex)
        {
            return new DestinationWriteResult(false, true, "restore failed: " + Describe(destination, ex, ScrubberFor(job, destination)));
        }
    }

    /// <summary>A dry run: read and plan, writing nothing; a failed read is an error naming the destination.</summary>
    public async Task<DestinationPlan> DryRunAsync(SyncJob job, SyncDestination destination, CancellationToken cancellationToken)
    {
        Snapshot snapshot;
        try
        {
            snapshot = await OnSinkAsync(destination, (sink, ct) => sink.ReadAsync(job.TargetFor(destination), ct), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var message = Describe(destination, ex, ScrubberFor(job, destination));
            throw new VarTrackException(new Problem(message) { Sink = destination.Sink.Name, Rule = job.Rule.Name });
        }
        return new DestinationPlan(destination, snapshot, Planner.Plan(job.File.Values, snapshot, PlanOptions.For(job.Rule)));
    }

    /// <summary>
    /// The write phases of a plan: upserts carry provenance that still owns the keys prune will remove (so a crash
    /// between the phases leaves no orphan), prune carries the final provenance.
    /// </summary>
    private Dictionary<WritePhase, (ChangeSet Changes, Provenance Provenance)> PhasesOf(SyncJob job, Snapshot snapshot, ChangeSet changes)
    {
        var previous = snapshot.Provenance;
        var upserts = changes.Changes.Where(c => c.Kind != ChangeKind.Remove).ToList();
        var removals = changes.Changes.Where(c => c.Kind == ChangeKind.Remove).ToList();
        var final = ProvenanceFor(job, changes, previous, changes.OwnedKeysAfter);
        var phases = new Dictionary<WritePhase, (ChangeSet, Provenance)>();
        if (removals.Count == 0)
        {
            phases[WritePhase.Upsert] = (changes, final);
            return phases;
        }
        var interimOwned = new HashSet<string>(changes.OwnedKeysAfter, StringComparer.Ordinal);
        interimOwned.UnionWith(removals.Select(r => r.Key));
        if (upserts.Count > 0)
            phases[WritePhase.Upsert] = (changes with { Changes = upserts }, ProvenanceFor(job, changes, previous, interimOwned));
        phases[WritePhase.Prune] = (changes with { Changes = removals }, final);
        return phases;
    }

    private static async Task<bool> IsOlderThanAppliedAsync(SyncJob job, Provenance? applied, ICommitHistory? history, CancellationToken cancellationToken)
    {
        if (applied?.Commit is not { } appliedCommit || job.Commit is not { } incoming || appliedCommit == incoming) return false;
        if (history is not null && await history.IsAncestorAsync(incoming, appliedCommit, cancellationToken) is { } isAncestor) return isAncestor;
        return job.CommitTime is { } incomingTime && applied.CommitTime is { } appliedTime && incomingTime < appliedTime;
    }

    private Provenance ProvenanceFor(SyncJob job, ChangeSet changes, Provenance? previous, IReadOnlySet<string> owned)
    {
        var desired = job.File.Values;
        var secretKeys = new HashSet<string>(changes.SecretKeys, StringComparer.Ordinal);
        var nullKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in owned)
        {
            if (desired.TryGetValue(key, out var value))
            {
                if (value.IsNull) nullKeys.Add(key);
                continue;
            }
            // A key we still own but no longer want (no prune): keep what we knew about it.
            if (previous?.SecretKeys.Contains(key) == true) secretKeys.Add(key);
            if (previous?.NullKeys.Contains(key) == true) nullKeys.Add(key);
        }
        return new Provenance
        {
            Rule = job.Rule.Name,
            Tenant = job.Rule.Tenant,
            Environment = job.File.Environment,
            SourceFile = job.File.File,
            Commit = job.Commit,
            CommitTime = job.CommitTime,
            AppliedAt = _time.GetUtcNow(),
            ContentHash = changes.ContentHash,
            OwnedKeys = owned,
            SecretKeys = secretKeys,
            NullKeys = nullKeys,
        };
    }

    /// <summary>Opens the sink and makes one call on it, both bounded: a store that hangs while connecting fails like one that hangs later.</summary>
    private Task<T> OnSinkAsync<T>(SyncDestination destination, Func<ISink, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        BoundedAsync(async ct => await call(await sinks.OpenAsync(destination.Sink, ct), ct), cancellationToken);

    private async Task<T> BoundedAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(SinkTimeout);
        try
        {
            return await call(bounded.Token).WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {SinkTimeout.TotalSeconds:0.###}s");
        }
    }

    /// <summary>
    /// Every secret that could surface in an error at this destination: the job's values and the sink's resolved
    /// settings. Built after a failed call, which opened the sink (or tried to), so every setting that resolved is known;
    /// it never opens the sink itself, so a hung store cannot hang error reporting.
    /// </summary>
    private SecretScrubber ScrubberFor(SyncJob job, SyncDestination destination)
    {
        var secrets = job.File.Values.Values.Where(v => v.IsSecret).Select(v => v.Reveal()!).ToList();
        secrets.AddRange(sinks.SecretsOf(destination.Sink.Name));
        return new SecretScrubber(secrets);
    }

    private static string Describe(SyncDestination destination, Exception ex, SecretScrubber scrubber)
    {
        var reason = ex switch
        {
            VarTrackException v => string.Join("; ", v.Problems.Select(p => p.Message)),
            AggregateException a => string.Join("; ", a.Flatten().InnerExceptions.Select(e => e.Message)),
            TimeoutException or TaskCanceledException => $"timed out ({ex.Message})",
            _ => ex.Message,
        };
        return scrubber.Scrub($"sink '{destination.Sink.Name}' ({destination.Sink.Type}) destination '{destination.Destination}': {reason}");
    }
}

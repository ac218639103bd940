using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// Runs one <see cref="SyncJob"/> against every destination of its rule, host-agnostic:
/// lock each destination (sorted, so two jobs never deadlock) -> read snapshots in parallel -> skip destinations that
/// already hold a newer commit -> plan -> write upserts everywhere in parallel -> only then prune -> release.
/// If any destination fails, every destination already written is restored to its snapshot (previous values back,
/// added keys removed) and reported as rolled back. Errors name sink and destination and are scrubbed of secrets.
/// </summary>
public sealed class SyncExecutor(ISinkProvider sinks, IDestinationLocks locks, TimeProvider? time = null, ICommitHistory? history = null)
{
    /// <summary>Flat keys starting with this are refused: sinks keep their provenance records under this name.</summary>
    public const string ReservedKeyPrefix = "__vartrack";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// How long one sink call (read, apply, restore) may take before it counts as failed: a hung store must fail the
    /// sync (and roll the others back), not hang it. Calls that ignore cancellation are abandoned, not awaited.
    /// </summary>
    public TimeSpan SinkTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A dry run: read every destination and plan, writing nothing and taking no locks.</summary>
    public async Task<IReadOnlyList<DestinationPlan>> PlanAsync(SyncJob job, CancellationToken cancellationToken = default)
    {
        CheckReservedKeys(job);
        var scrubber = await ScrubberForAsync(job, cancellationToken);
        return await Task.WhenAll(job.Destinations.Select(async destination =>
        {
            Snapshot snapshot;
            try
            {
                var sink = await sinks.OpenAsync(destination.Sink, cancellationToken);
                snapshot = await BoundedAsync(ct => sink.ReadAsync(job.TargetFor(destination), ct), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new VarTrackException(new Problem(Describe(destination, ex, scrubber)) { Sink = destination.Sink.Name, Rule = job.Rule.Name });
            }
            return new DestinationPlan(destination, snapshot, Planner.Plan(job.File.Values, snapshot, PlanOptions.For(job.Rule)));
        }));
    }

    public async Task<SyncReport> RunAsync(SyncJob job, IProgress<SinkReport>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckReservedKeys(job);
        var scrubber = await ScrubberForAsync(job, cancellationToken);
        var work = job.Destinations.DistinctBy(d => d.LockKey).Select(d => new DestinationWork(d, job.TargetFor(d))).ToList();
        var held = new List<IAsyncDisposable>();
        try
        {
            foreach (var item in work.OrderBy(w => w.Destination.LockKey, StringComparer.Ordinal))
                held.Add(await locks.AcquireAsync(item.Destination.LockKey, cancellationToken));

            await Task.WhenAll(work.Select(item => ReadAndPlanAsync(item, job, scrubber, cancellationToken)));
            if (work.Any(w => w.Outcome == SinkOutcome.Failed))
            {
                foreach (var item in work.Where(w => w.Outcome is null)) item.Outcome = SinkOutcome.NotWritten;
                return Finish(job, work, progress);
            }

            var toWrite = work.Where(w => w.Outcome is null).ToList();
            var succeeded = await WritePhaseAsync(toWrite.Where(w => w.UpsertPhase is not null), w => w.UpsertPhase!.Value, scrubber, cancellationToken)
                            && await WritePhaseAsync(toWrite.Where(w => w.PrunePhase is not null), w => w.PrunePhase!.Value, scrubber, cancellationToken);
            if (!succeeded)
                await RestoreWrittenAsync(work, scrubber);
            else
                foreach (var item in toWrite) item.Outcome = SinkOutcome.Applied;
            cancellationToken.ThrowIfCancellationRequested();
            return Finish(job, work, progress);
        }
        finally
        {
            foreach (var release in held) await release.DisposeAsync();
        }
    }

    private async Task ReadAndPlanAsync(DestinationWork item, SyncJob job, SecretScrubber scrubber, CancellationToken cancellationToken)
    {
        try
        {
            item.Sink = await sinks.OpenAsync(item.Destination.Sink, cancellationToken);
            item.Snapshot = await BoundedAsync(ct => item.Sink.ReadAsync(item.Target, ct), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            item.Fail(Describe(item.Destination, ex, scrubber));
            return;
        }

        var previous = item.Snapshot.Provenance;
        if (await IsOlderThanAppliedAsync(job, previous, cancellationToken))
        {
            item.Outcome = SinkOutcome.SkippedOlderCommit;
            item.Error = $"destination holds commit {previous!.Commit} (newer than {job.Commit}); nothing written";
            return;
        }

        var changes = Planner.Plan(job.File.Values, item.Snapshot, PlanOptions.For(job.Rule));
        item.Changes = changes;
        if (changes.IsSkipped || (changes.IsEmpty && previous is not null && previous.ContentHash == changes.ContentHash
                                  && previous.Commit == job.Commit && previous.OwnedKeys.SetEquals(changes.OwnedKeysAfter)))
        {
            item.Outcome = SinkOutcome.Unchanged;
            return;
        }

        var upserts = changes.Changes.Where(c => c.Kind != ChangeKind.Remove).ToList();
        var removals = changes.Changes.Where(c => c.Kind == ChangeKind.Remove).ToList();
        var final = ProvenanceFor(job, changes, previous, changes.OwnedKeysAfter);
        if (removals.Count == 0)
        {
            item.UpsertPhase = (changes, final);
            return;
        }
        // Until prune runs, the keys it will remove are still there and still ours.
        var interimOwned = new HashSet<string>(changes.OwnedKeysAfter, StringComparer.Ordinal);
        interimOwned.UnionWith(removals.Select(r => r.Key));
        if (upserts.Count > 0)
            item.UpsertPhase = (changes with { Changes = upserts }, ProvenanceFor(job, changes, previous, interimOwned));
        item.PrunePhase = (changes with { Changes = removals }, final);
    }

    private async Task<bool> IsOlderThanAppliedAsync(SyncJob job, Provenance? applied, CancellationToken cancellationToken)
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

    /// <summary>Runs one write phase across destinations in parallel; false if any failed.</summary>
    private async Task<bool> WritePhaseAsync(IEnumerable<DestinationWork> items, Func<DestinationWork, (ChangeSet Changes, Provenance Provenance)> phase,
        SecretScrubber scrubber, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(items.Select(async item =>
        {
            var (changes, provenance) = phase(item);
            try
            {
                await BoundedAsync(async ct => { await item.Sink!.ApplyAsync(item.Target, changes, provenance, ct); return true; }, cancellationToken);
                item.Touch(changes);
                return true;
            }
            catch (Exception ex)
            {
                // A conditional write that refused before writing leaves nothing of this call to undo.
                if (ex is not DestinationChangedException { NothingWritten: true }) item.Touch(changes);
                item.Fail(ex is OperationCanceledException && cancellationToken.IsCancellationRequested
                    ? $"sink '{item.Destination.Sink.Name}' ({item.Destination.Sink.Type}) destination '{item.Destination.Destination}': cancelled"
                    : Describe(item.Destination, ex, scrubber));
                return false;
            }
        }));
        return results.All(ok => ok);
    }

    /// <summary>
    /// Restores every destination that was written, whatever the caller's token says: half-written is never left
    /// behind willingly. Only the keys this sync tried to write go back to the snapshot (with the snapshot's
    /// provenance); keys someone else changed meanwhile are left as they are.
    /// </summary>
    private async Task RestoreWrittenAsync(IEnumerable<DestinationWork> work, SecretScrubber scrubber)
    {
        await Task.WhenAll(work.Where(w => w.Written).Select(async item =>
        {
            try
            {
                var current = await BoundedAsync(ct => item.Sink!.ReadAsync(item.Target, ct), CancellationToken.None);
                var back = new Dictionary<string, FlatValue>(current.Values, StringComparer.Ordinal);
                foreach (var key in item.Touched)
                {
                    if (item.Snapshot!.Values.TryGetValue(key, out var before)) back[key] = before;
                    else back.Remove(key);
                }
                await BoundedAsync(async ct => { await item.Sink!.RestoreAsync(item.Target, new Snapshot(back, item.Snapshot!.Provenance), ct); return true; }, CancellationToken.None);
                if (item.Outcome is null) item.Outcome = SinkOutcome.RolledBack;
            }
            catch (Exception ex)
            {
                var error = "restore failed: " + Describe(item.Destination, ex, scrubber);
                item.Error = item.Error is null ? error : $"{item.Error}; {error}";
                item.Outcome = SinkOutcome.RollbackFailed;
            }
        }));
        foreach (var item in work.Where(w => w.Outcome is null)) item.Outcome = SinkOutcome.NotWritten;
    }

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

    private static SyncReport Finish(SyncJob job, List<DestinationWork> work, IProgress<SinkReport>? progress)
    {
        var reports = work.Select(w => new SinkReport(w.Destination.Sink.Name, w.Destination.Sink.Type, w.Destination.Destination, w.Outcome!.Value)
        {
            Changes = w.Changes,
            Error = w.Error,
            PreviousCommit = w.Snapshot?.Provenance?.Commit,
        }).ToList();
        foreach (var report in reports) progress?.Report(report);
        return new SyncReport(job.File.File, job.Rule.Name, job.File.Environment, job.Commit, reports);
    }

    private static void CheckReservedKeys(SyncJob job)
    {
        var reserved = job.File.Values.Keys.Where(k => k.StartsWith(ReservedKeyPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (reserved.Count > 0)
            throw new VarTrackException(reserved.Select(k => new Problem($"key '{k}' is reserved: keys starting with '{ReservedKeyPrefix}' hold VarTrack's provenance records")
            {
                File = job.File.File,
                Rule = job.Rule.Name,
                Key = k,
            }).ToList());
    }

    private async Task<SecretScrubber> ScrubberForAsync(SyncJob job, CancellationToken cancellationToken)
    {
        var secrets = job.File.Values.Values.Where(v => v.IsSecret).Select(v => v.Reveal()!).ToList();
        foreach (var destination in job.Destinations)
        {
            try
            {
                await sinks.OpenAsync(destination.Sink, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Reported per destination when it is read; its settings may still have resolved.
            }
            secrets.AddRange(sinks.SecretsOf(destination.Sink.Name));
        }
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

    /// <summary>The mutable bookkeeping of one destination during one run.</summary>
    private sealed class DestinationWork(SyncDestination destination, SinkTarget target)
    {
        public SyncDestination Destination { get; } = destination;
        public SinkTarget Target { get; } = target;
        public ISink? Sink { get; set; }
        public Snapshot? Snapshot { get; set; }
        public ChangeSet? Changes { get; set; }
        public (ChangeSet, Provenance)? UpsertPhase { get; set; }
        public (ChangeSet, Provenance)? PrunePhase { get; set; }
        /// <summary>Keys a write phase wrote or may have written (a failed batch may be half applied).</summary>
        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);
        /// <summary>A write phase ran (or may have partly run): the destination needs restoring on failure.</summary>
        public bool Written { get; private set; }
        public SinkOutcome? Outcome { get; set; }
        public string? Error { get; set; }

        public void Touch(ChangeSet changes)
        {
            Written = true;
            foreach (var change in changes.Changes) Touched.Add(change.Key);
        }

        public void Fail(string error)
        {
            Outcome = SinkOutcome.Failed;
            Error = error;
        }
    }
}

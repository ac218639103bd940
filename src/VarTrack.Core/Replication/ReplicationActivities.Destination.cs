using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace VarTrack.Core.Replication;

/// <summary>A destination cycle's activities: plan, copy chunks, delete chunks, publish.</summary>
public sealed partial class ReplicationActivities
{
    /// <summary>
    /// Compares the origin's index with the destination's (equal bucket hashes are skipped; all equal = in sync, no
    /// Vault request at all), checks every origin path against the transforms for collisions, plans each path of the
    /// changed buckets (copy, delete per the delete mode, or just record), applies the deletion-ratio guard, and stages
    /// the plan in the state store.
    /// </summary>
    public async Task<ReplicaPlan> PlanDestinationAsync(ReplicaPlanStep step, CancellationToken cancellationToken)
    {
        if (_settings.Destination(step.Destination) is not { } destination) return new ReplicaPlan(step.Destination) { Failure = Unknown(step.Destination) };
        var owner = destination.Owner;
        var originOwner = _settings.Origin.Owner;
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            // An origin that has never published leaves nothing to do yet.
            if (await ReadIndexAsync(originOwner, deadline.Token) is not { } originRead) return new ReplicaPlan(step.Destination);
            var origin = originRead.Index;
            var count = origin.BucketCount;
            if (!origin.IsCompatible(count)) throw new InvalidDataException($"the sync info index of {originOwner} does not list its {count} buckets");
            var (recorded, tag) = await ReadOwnIndexAsync(owner, deadline.Token);
            var aligned = recorded is not null && recorded.IsCompatible(count) ? recorded : null;
            var changed = Enumerable.Range(0, count).Where(b => aligned?.Bucket(b)?.Hash != origin.Bucket(b)!.Hash).ToList();
            var plan = new ReplicaPlan(step.Destination)
            {
                OriginGeneration = origin.Generation,
                RecordedGeneration = recorded?.Generation,
                PreviousTag = tag,
                Paths = origin.PathCount,
                RecordedPaths = recorded?.PathCount ?? 0,
            };
            if (changed.Count == 0)
                // In sync: only the origin generation it caught up with may need recording (no bucket is rewritten).
                return recorded!.SourceGeneration == origin.Generation ? plan : plan with { Generation = SyncInfoJson.NewGeneration(_time.GetUtcNow()) };

            var originBuckets = await ReadBucketsAsync(originOwner, origin, Enumerable.Range(0, count), deadline.Token);
            var mapper = new TargetMapper(destination);
            foreach (var (path, insight) in originBuckets.Values.SelectMany(b => b.Paths).OrderBy(p => p.Key, StringComparer.Ordinal))
                if (mapper.Claim(path, insight.State == SecretState.Active) is { } collision)
                    return plan with { Failure = new StepFailure($"{owner}: {collision}; fix the transforms of destination '{destination.Name}' (nothing was replicated)", Fatal: true) };

            var recordedPaths = new Dictionary<string, SecretInsight>(StringComparer.Ordinal);
            if (recorded is not null)
            {
                // A destination recorded with another bucket count is read whole and re-bucketed, so no record is lost.
                var source = aligned ?? recorded;
                var read = await ReadBucketsAsync(owner, source, aligned is null ? source.Buckets.Select(b => b.Bucket) : changed, deadline.Token);
                foreach (var (path, insight) in read.Values.SelectMany(b => b.Paths)) recordedPaths[path] = insight;
            }
            var recordedByBucket = recordedPaths.ToLookup(p => SyncInfoJson.BucketOf(p.Key, count));

            var errors = new List<string>();
            var copies = new List<ReplicaTask>();
            var deletes = new List<ReplicaTask>();
            var planned = new List<PlannedBucket>();
            foreach (var bucket in changed)
            {
                var now = originBuckets[bucket].Paths;
                var before = recordedByBucket[bucket].ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                var paths = new List<PlannedPath>();
                foreach (var path in now.Keys.Union(before.Keys).Order(StringComparer.Ordinal))
                    paths.Add(PlanPath(destination, mapper, path, now.GetValueOrDefault(path), before.GetValueOrDefault(path), copies, deletes, errors));
                planned.Add(new PlannedBucket(bucket, paths));
            }
            foreach (var error in errors) _logger.LogWarning("vault replication {Owner}: {Error}", owner, error);
            plan = plan with { ChangedBuckets = changed, Copies = copies.Count, Deletes = deletes.Count, Pending = errors.Count, Errors = Capped(errors) };

            if (deletes.Count > 0)
            {
                // The guard's base is what is live at the destination: records of secrets already deleted or destroyed
                // there (kept while the origin still lists them) do not count. Only a plan that deletes reads the rest.
                var active = recordedPaths.Values.Count(r => r.State == SecretState.Active);
                if (aligned is not null)
                {
                    var rest = await ReadBucketsAsync(owner, aligned, Enumerable.Range(0, count).Except(changed), deadline.Token);
                    active += rest.Values.Sum(b => b.Paths.Values.Count(r => r.State == SecretState.Active));
                }
                plan = plan with { RecordedPaths = active };
            }
            var allowed = Math.Floor(destination.MaxDeleteRatio * plan.RecordedPaths);
            if (deletes.Count > allowed)
            {
                var refusal = $"{owner}: refusing to delete {deletes.Count} of its {plan.RecordedPaths} active recorded paths in one cycle: max_delete_ratio " +
                              $"{destination.MaxDeleteRatio.ToString("0.###", CultureInfo.InvariantCulture)} allows {allowed.ToString(CultureInfo.InvariantCulture)}; " +
                              "nothing was written (check the origin, or raise max_delete_ratio for one cycle)";
                _logger.LogError("vault replication {Owner}: {Refusal}", owner, refusal);
                return plan with { Refused = true, Pending = copies.Count + deletes.Count + errors.Count, Errors = Capped([refusal, .. errors]) };
            }

            var generation = SyncInfoJson.NewGeneration(_time.GetUtcNow());
            foreach (var bucket in planned)
                await _work.WriteAsync(owner, generation, PlannedName(bucket.Bucket), bucket, deadline.Token);
            var copyChunks = copies.Chunk(PathsPerChunk).ToList();
            for (var i = 0; i < copyChunks.Count; i++)
                await _work.WriteAsync(owner, generation, $"copy-{i}", copyChunks[i].ToList(), deadline.Token);
            var deleteChunks = deletes.Chunk(PathsPerChunk).ToList();
            for (var i = 0; i < deleteChunks.Count; i++)
                await _work.WriteAsync(owner, generation, $"delete-{i}", deleteChunks[i].ToList(), deadline.Token);
            return plan with { Generation = generation, CopyChunks = copyChunks.Count, DeleteChunks = deleteChunks.Count };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new ReplicaPlan(step.Destination) { Failure = failure };
        }
    }

    /// <summary>
    /// Copies one chunk: reads each secret from the origin and writes it to the destination right here, so values never
    /// leave this activity. A secret with no readable latest version any more is skipped (the next cycle sees why);
    /// a per-path failure is logged and left for the next cycle; 401/403 stops the chunk as fatal.
    /// </summary>
    public Task<ReplicaChunkResult> CopyAsync(ReplicaChunkStep step, CancellationToken cancellationToken) => ApplyAsync(step, copy: true, cancellationToken);

    /// <summary>Applies one chunk of deletes at the destination per its delete mode (soft-delete latest, or delete metadata and all versions).</summary>
    public Task<ReplicaChunkResult> DeleteAsync(ReplicaChunkStep step, CancellationToken cancellationToken) => ApplyAsync(step, copy: false, cancellationToken);

    /// <summary>
    /// Saves the destination's sync info: the changed buckets record what was applied (a failed path keeps its old
    /// record, so its bucket's hash still differs and it is retried), the other buckets are reused, and the index
    /// records the origin generation caught up with.
    /// </summary>
    public async Task<SyncInfoPublished> PublishDestinationAsync(ReplicaPublishStep step, CancellationToken cancellationToken)
    {
        if (_settings.Destination(step.Destination) is not { } destination) return new SyncInfoPublished(step.Generation) { Failure = Unknown(step.Destination) };
        var owner = destination.Owner;
        var originOwner = _settings.Origin.Owner;
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            var origin = (await ReadIndexAsync(originOwner, deadline.Token))?.Index;
            if (origin is null || origin.Generation != step.OriginGeneration) throw new SyncInfoConflictException(originOwner, _store.Description);
            var count = origin.BucketCount;
            var (recorded, tag) = await ReadOwnIndexAsync(owner, deadline.Token);
            if (!string.Equals(tag, step.PreviousTag, StringComparison.Ordinal)) throw new SyncInfoConflictException(owner, _store.Description);
            var aligned = recorded is not null && recorded.IsCompatible(count) ? recorded : null;

            var applied = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prefix in new[] { "copy-result-", "delete-result-" })
            foreach (var name in await _work.NamesAsync(owner, step.Generation, prefix, deadline.Token))
                applied.UnionWith(await _work.ReadAsync<List<string>>(owner, step.Generation, name, deadline.Token));

            var changed = step.ChangedBuckets.ToHashSet();
            var buckets = new List<SyncIndexBucket>(count);
            for (var bucket = 0; bucket < count; bucket++)
            {
                if (!changed.Contains(bucket))
                {
                    buckets.Add(aligned?.Bucket(bucket) ?? throw new InvalidDataException($"bucket {bucket} of {owner} was neither planned nor recorded"));
                    continue;
                }
                var planned = await _work.ReadAsync<PlannedBucket>(owner, step.Generation, PlannedName(bucket), deadline.Token);
                var paths = new Dictionary<string, SecretInsight>(StringComparer.Ordinal);
                foreach (var path in planned.Paths)
                {
                    var record = path.Action switch
                    {
                        PlannedAction.Record => path.Applied,
                        PlannedAction.Keep => path.Kept,
                        _ => applied.Contains(path.Path) ? path.Applied : path.Kept,
                    };
                    if (record is not null) paths[path.Path] = record;
                }
                var data = SyncInfoJson.Serialize(new SyncBucket(bucket, paths));
                await _store.WriteBucketAsync(owner, step.Generation, bucket, data, deadline.Token);
                buckets.Add(new SyncIndexBucket(bucket, SyncInfoJson.Hash(data), step.Generation, paths.Count));
            }
            var index = new SyncIndex(count, step.Generation, step.Created, buckets) { SourceGeneration = step.OriginGeneration };
            await PublishAsync(owner, index, step.PreviousTag, deadline);
            return new SyncInfoPublished(step.Generation) { Paths = index.PathCount };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new SyncInfoPublished(step.Generation) { Failure = failure };
        }
    }

    private static PlannedPath PlanPath(ReplicationDestination destination, TargetMapper mapper, string path, SecretInsight? now, SecretInsight? before,
        List<ReplicaTask> copies, List<ReplicaTask> deletes, List<string> errors)
    {
        var copy = now?.State == SecretState.Active;
        var delete = !copy && before?.State == SecretState.Active && destination.DeleteMode != DeleteMode.None;
        if (copy && now == before) return new PlannedPath(path, PlannedAction.Record, now, before);
        if (!copy && !delete) return new PlannedPath(path, PlannedAction.Record, now, before);

        var target = mapper.Target(path, out var mappingError);
        if (mappingError is not null)
        {
            errors.Add($"{destination.Owner}: {path}: {mappingError}");
            return new PlannedPath(path, PlannedAction.Keep, now, before);
        }
        if (target is null) return new PlannedPath(path, PlannedAction.Record, now, before);
        // A path gone from the origin whose destination path a live origin path now maps to (a rename through a
        // many-to-one rule, v1/app -> v2/app both to secret/app): the copy there is the live path's, so deleting it
        // would remove what this cycle copies. The old path is only no longer tracked.
        if (!copy && mapper.ClaimedByAnother(target, path)) return new PlannedPath(path, PlannedAction.Record, now, before);
        if (MountedPath.Split(target, destination.Mounts) is not { } split)
        {
            errors.Add($"{destination.Owner}: {path} maps to '{target}', which is not under any of the destination's mounts ({string.Join(", ", destination.Mounts)}); not replicated");
            return new PlannedPath(path, PlannedAction.Keep, now, before);
        }
        (copy ? copies : deletes).Add(new ReplicaTask(path, split.Mount, split.Path));
        return new PlannedPath(path, copy ? PlannedAction.Copy : PlannedAction.Delete, now, before);
    }

    private async Task<ReplicaChunkResult> ApplyAsync(ReplicaChunkStep step, bool copy, CancellationToken cancellationToken)
    {
        if (_settings.Destination(step.Destination) is not { } destination) return new ReplicaChunkResult(0, 0, 0) { Failure = Unknown(step.Destination) };
        var owner = destination.Owner;
        var kind = copy ? "copy" : "delete";
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            var tasks = await _work.ReadAsync<List<ReplicaTask>>(owner, step.Generation, $"{kind}-{step.Chunk}", deadline.Token);
            var origin = copy ? _vaults.Get(_settings.Origin.Name) : null;
            var target = _vaults.Get(destination.Name);
            var originMounts = _settings.Origin.Mounts.Select(m => m.Mount).ToList();
            var applied = new ConcurrentQueue<string>();
            var errors = new ConcurrentQueue<string>();
            var skipped = 0;
            var failed = 0;
            ReplicaVaultException? fatal = null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            try
            {
                await Parallel.ForEachAsync(tasks, Options(stop.Token), async (task, token) =>
                {
                    try
                    {
                        if (copy)
                        {
                            var source = MountedPath.Split(task.OriginPath, originMounts)
                                         ?? throw new InvalidDataException($"planned path '{task.OriginPath}' is under none of the origin's mounts");
                            if (await origin!.ReadSecretAsync(source.Mount, source.Path, token) is not { } data)
                            {
                                Interlocked.Increment(ref skipped);
                                _logger.LogInformation("vault replication {Owner}: {Path} has no readable latest version at the origin any more; skipped, the next cycle sees why",
                                    owner, task.OriginPath);
                                return;
                            }
                            await target.WriteSecretAsync(task.DestinationMount, task.DestinationPath, data, token);
                        }
                        else if (destination.DeleteMode == DeleteMode.Destroy)
                            await target.DeleteMetadataAsync(task.DestinationMount, task.DestinationPath, token);
                        else
                            await target.SoftDeleteLatestAsync(task.DestinationMount, task.DestinationPath, token);
                        applied.Enqueue(task.OriginPath);
                    }
                    catch (ReplicaVaultException ex) when (ex.IsFatal)
                    {
                        Interlocked.CompareExchange(ref fatal, ex, null);
                        await stop.CancelAsync();
                    }
                    catch (ReplicaVaultException ex)
                    {
                        Interlocked.Increment(ref failed);
                        errors.Enqueue($"{owner}: {kind} {task.OriginPath} -> {task.Destination}: {ex.Message}");
                        _logger.LogWarning("vault replication {Owner}: {Kind} {Path} -> {Destination} failed (status {Status}), retried next cycle: {Reason}",
                            owner, kind, task.OriginPath, task.Destination, ex.Status, ex.Message);
                    }
                });
            }
            catch (OperationCanceledException) when (fatal is not null && !deadline.Token.IsCancellationRequested)
            {
                // The fatal error below is the reason.
            }
            if (fatal is not null)
            {
                _logger.LogError("vault replication {Owner}: {Kind} stopped (status {Status}): {Reason}", owner, kind, fatal.Status, fatal.Message);
                return new ReplicaChunkResult(applied.Count, skipped, failed) { Failure = new StepFailure($"{owner}: {fatal.Message}", Fatal: true), Errors = Capped(errors) };
            }
            await _work.WriteAsync(owner, step.Generation, $"{kind}-result-{step.Chunk}", applied.ToList(), deadline.Token);
            return new ReplicaChunkResult(applied.Count, skipped, failed) { Errors = Capped(errors) };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new ReplicaChunkResult(0, 0, 0) { Failure = failure };
        }
    }

    private static StepFailure Unknown(string destination) => new($"unknown replication destination '{destination}'", Fatal: true);

    private static string PlannedName(int bucket) => $"bucket-{bucket}";

    /// <summary>Maps origin paths through a destination's transforms, remembering which destination path each one claimed.</summary>
    private sealed class TargetMapper(ReplicationDestination destination)
    {
        private readonly Dictionary<string, string> _claimed = new(StringComparer.Ordinal);
        private readonly HashSet<string> _live = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string? Target, string? Error)> _mapped = new(StringComparer.Ordinal);

        /// <summary>Maps a path of the origin index; returns a message when another origin path already maps to the same destination path.</summary>
        public string? Claim(string path, bool active)
        {
            var target = Target(path, out _);
            if (target is null) return null;
            if (active) _live.Add(target);
            if (_claimed.TryAdd(target, path)) return null;
            return $"origin paths '{_claimed[target]}' and '{path}' both map to destination path '{target}'";
        }

        /// <summary>True when an active origin path of the index other than <paramref name="path"/> maps to <paramref name="target"/>.</summary>
        public bool ClaimedByAnother(string target, string path) =>
            _live.Contains(target) && _claimed.TryGetValue(target, out var owner) && !string.Equals(owner, path, StringComparison.Ordinal);

        public string? Target(string path, out string? error)
        {
            if (!_mapped.TryGetValue(path, out var mapped))
            {
                try
                {
                    mapped = (destination.Transforms.Map(path), null);
                }
                catch (RegexMatchTimeoutException)
                {
                    mapped = (null, $"a transform rule took longer than {PathTransform.MatchTimeout.TotalSeconds} s to match it; not replicated");
                }
                _mapped[path] = mapped;
            }
            error = mapped.Error;
            return mapped.Target;
        }
    }
}

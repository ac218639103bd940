using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VarTrack.Core.Replication;

/// <summary>The origin cycle's activities: list, scan metadata per bucket group, publish.</summary>
public sealed partial class ReplicationActivities
{
    /// <summary>
    /// Lists every path under the origin's mounts and prefixes (one LIST per folder, <see cref="ReplicationSettings.Workers"/>
    /// at a time), stages the paths per bucket group in the state store and makes the cycle's generation. A folder that
    /// cannot be listed fails the cycle: it is never taken for empty.
    /// </summary>
    public async Task<OriginListing> ListOriginAsync(OriginListStep step, CancellationToken cancellationToken)
    {
        var owner = _settings.Origin.Owner;
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            var vault = _vaults.Get(_settings.Origin.Name);
            var paths = await ListAllAsync(vault, deadline.Token);
            var (index, tag) = await ReadOwnIndexAsync(owner, deadline.Token);
            var generation = SyncInfoJson.NewGeneration(_time.GetUtcNow());
            var byBucket = paths.ToLookup(p => SyncInfoJson.BucketOf(p, _settings.Buckets));

            var groups = new List<BucketGroup>();
            var buckets = new List<int>();
            var groupPaths = new List<string>();
            for (var bucket = 0; bucket < _settings.Buckets; bucket++)
            {
                buckets.Add(bucket);
                groupPaths.AddRange(byBucket[bucket]);
                if (groupPaths.Count < PathsPerScan && bucket < _settings.Buckets - 1) continue;
                groups.Add(new BucketGroup(groups.Count, buckets.ToList(), groupPaths.Count));
                await _work.WriteAsync(owner, generation, Listing(groups.Count - 1), groupPaths.Order(StringComparer.Ordinal).ToList(), deadline.Token);
                buckets.Clear();
                groupPaths.Clear();
            }
            return new OriginListing(generation, groups) { Paths = paths.Count, PreviousTag = tag, PreviousGeneration = index?.Generation };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new OriginListing("", []) { Failure = failure };
        }
    }

    /// <summary>
    /// Reads the metadata of one group's paths (<see cref="ReplicationSettings.Workers"/> at a time), builds its bucket
    /// documents and stages those whose hash differs from the current index under the cycle's generation. A path whose
    /// metadata is gone (deleted since the listing) is left out; any other read error fails the cycle.
    /// </summary>
    public async Task<OriginScan> ScanOriginAsync(OriginScanStep step, CancellationToken cancellationToken)
    {
        var owner = _settings.Origin.Owner;
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            var paths = await _work.ReadAsync<List<string>>(owner, step.Generation, Listing(step.Group.Group), deadline.Token);
            var (index, tag) = await ReadOwnIndexAsync(owner, deadline.Token);
            if (!string.Equals(tag, step.PreviousTag, StringComparison.Ordinal)) throw new SyncInfoConflictException(owner, _store.Description);
            var previous = index is not null && index.IsCompatible(_settings.Buckets) ? index : null;

            var (insights, gone) = await ReadInsightsAsync(paths, deadline.Token);

            var scans = new List<BucketScan>();
            var changed = 0;
            var byBucket = insights.ToLookup(p => SyncInfoJson.BucketOf(p.Key, _settings.Buckets));
            foreach (var bucket in step.Group.Buckets)
            {
                var document = new SyncBucket(bucket, byBucket[bucket].ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
                var data = SyncInfoJson.Serialize(document);
                var hash = SyncInfoJson.Hash(data);
                var before = previous?.Bucket(bucket);
                if (before is not null && before.Hash == hash)
                {
                    scans.Add(new BucketScan(bucket, hash, before.Generation, document.Paths.Count, Changed: false));
                    continue;
                }
                await _store.WriteBucketAsync(owner, step.Generation, bucket, data, deadline.Token);
                scans.Add(new BucketScan(bucket, hash, step.Generation, document.Paths.Count, Changed: true));
                changed += before is null ? document.Paths.Count : Differences((await ReadBucketAsync(owner, before, deadline.Token)).Paths, document.Paths);
            }
            if (gone > 0)
                _logger.LogInformation("vault replication {Owner}: {Gone} listed paths were deleted before their metadata was read", owner, gone);
            return new OriginScan(scans) { Changed = changed, Gone = gone };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new OriginScan([]) { Failure = failure };
        }
    }

    /// <summary>Publishes the origin's new index (its changed buckets were staged by the scans).</summary>
    public async Task<SyncInfoPublished> PublishOriginAsync(OriginPublishStep step, CancellationToken cancellationToken)
    {
        var owner = _settings.Origin.Owner;
        using var deadline = new CycleDeadline(step.Deadline, _time, cancellationToken);
        try
        {
            var index = new SyncIndex(_settings.Buckets, step.Generation, step.Created,
                step.Buckets.Select(b => new SyncIndexBucket(b.Bucket, b.Hash, b.Generation, b.Paths)).OrderBy(b => b.Bucket).ToList());
            if (!index.IsCompatible(_settings.Buckets))
                return new SyncInfoPublished(step.Generation) { Failure = new StepFailure($"{owner}: the scans did not cover every bucket; nothing was published") };
            index = await ReuseCheckedAsync(owner, step.Generation, index, deadline.Token);
            await PublishAsync(owner, index, step.PreviousTag, deadline);
            return new SyncInfoPublished(step.Generation) { Paths = index.PathCount };
        }
        catch (Exception ex) when (Classify(ex, deadline, owner) is { } failure)
        {
            return new SyncInfoPublished(step.Generation) { Failure = failure };
        }
    }

    /// <summary>
    /// Unchanged buckets reuse the previous index's documents; a reused document that is gone or does not match its
    /// hash (removed by a clean-up that raced this cycle) would leave the new index naming nothing, and every later
    /// cycle reusing it again. Such buckets are built again from this cycle's listing and written under its generation.
    /// </summary>
    private async Task<SyncIndex> ReuseCheckedAsync(string owner, string generation, SyncIndex index, CancellationToken cancellationToken)
    {
        var broken = new ConcurrentDictionary<int, bool>();
        await Parallel.ForEachAsync(index.Buckets.Where(b => b.Generation != generation), Options(cancellationToken), async (entry, token) =>
        {
            var data = await _store.ReadBucketAsync(owner, entry.Generation, entry.Bucket, token);
            if (data is null || SyncInfoJson.Hash(data) != entry.Hash) broken[entry.Bucket] = true;
        });
        if (broken.IsEmpty) return index;

        _logger.LogWarning("vault replication {Owner}: the documents of buckets {Buckets} named by the current index are missing; writing them again",
            owner, string.Join(", ", broken.Keys.Order()));
        var paths = new List<string>();
        foreach (var name in await _work.NamesAsync(owner, generation, "listing-", cancellationToken))
            paths.AddRange((await _work.ReadAsync<List<string>>(owner, generation, name, cancellationToken))
                .Where(p => broken.ContainsKey(SyncInfoJson.BucketOf(p, index.BucketCount))));
        var (insights, _) = await ReadInsightsAsync(paths, cancellationToken);
        var byBucket = insights.ToLookup(p => SyncInfoJson.BucketOf(p.Key, index.BucketCount));
        var buckets = new List<SyncIndexBucket>(index.Buckets.Count);
        foreach (var entry in index.Buckets)
        {
            if (!broken.ContainsKey(entry.Bucket))
            {
                buckets.Add(entry);
                continue;
            }
            var data = SyncInfoJson.Serialize(new SyncBucket(entry.Bucket, byBucket[entry.Bucket].ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)));
            await _store.WriteBucketAsync(owner, generation, entry.Bucket, data, cancellationToken);
            buckets.Add(new SyncIndexBucket(entry.Bucket, SyncInfoJson.Hash(data), generation, byBucket[entry.Bucket].Count()));
        }
        return index with { Buckets = buckets };
    }

    /// <summary>The metadata of each path, <see cref="ReplicationSettings.Workers"/> at a time; a path whose metadata is gone is counted, any other error thrown.</summary>
    private async Task<(ConcurrentDictionary<string, SecretInsight> Insights, int Gone)> ReadInsightsAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var owner = _settings.Origin.Owner;
        var vault = _vaults.Get(_settings.Origin.Name);
        var mounts = _settings.Origin.Mounts.Select(m => m.Mount).ToList();
        var insights = new ConcurrentDictionary<string, SecretInsight>(StringComparer.Ordinal);
        var gone = 0;
        await Parallel.ForEachAsync(paths, Options(cancellationToken), async (path, token) =>
        {
            var split = MountedPath.Split(path, mounts) ?? throw new InvalidDataException($"listed path '{path}' is under none of the origin's mounts");
            try
            {
                if (await vault.ReadInsightAsync(split.Mount, split.Path, token) is { } insight) insights[path] = insight;
                else Interlocked.Increment(ref gone);
            }
            catch (ReplicaVaultException ex)
            {
                _logger.LogWarning("vault replication {Owner}: cannot read the metadata of {Path} (status {Status}): {Reason}", owner, path, ex.Status, ex.Message);
                throw;
            }
        });
        return (insights, gone);
    }

    private async Task<List<string>> ListAllAsync(IReplicaVault vault, CancellationToken cancellationToken)
    {
        var found = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var folders = _settings.Origin.Mounts.Select(m => (m.Mount, Folder: m.Prefix.Length == 0 ? "" : m.Prefix + "/")).Distinct().ToList();
        while (folders.Count > 0)
        {
            var next = new ConcurrentDictionary<(string Mount, string Folder), bool>();
            await Parallel.ForEachAsync(folders, Options(cancellationToken), async (folder, token) =>
            {
                IReadOnlyList<string> keys;
                try
                {
                    keys = await vault.ListAsync(folder.Mount, folder.Folder, token);
                }
                catch (ReplicaVaultException ex)
                {
                    _logger.LogWarning("vault replication {Owner}: cannot list {Folder} (status {Status}): {Reason}",
                        _settings.Origin.Owner, $"{folder.Mount}/{folder.Folder}", ex.Status, ex.Message);
                    throw;
                }
                foreach (var key in keys)
                    if (key.EndsWith('/')) next[(folder.Mount, folder.Folder + key)] = true;
                    else found[$"{folder.Mount}/{folder.Folder}{key}"] = true;
            });
            folders = next.Keys.ToList();
        }
        return found.Keys.ToList();
    }

    private static int Differences(IReadOnlyDictionary<string, SecretInsight> before, IReadOnlyDictionary<string, SecretInsight> after) =>
        after.Count(p => !before.TryGetValue(p.Key, out var old) || old != p.Value) + before.Keys.Count(k => !after.ContainsKey(k));

    private static string Listing(int group) => $"listing-{group}";
}

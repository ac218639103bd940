using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Drift;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.State;

/// <summary>
/// Removes the state documents written per event once <see cref="StateSettings"/> no longer keeps them: sync records
/// (<c>syncs/</c>) beyond the newest <c>keep_syncs</c> or older than <c>keep_sync_days</c>, webhook delivery ids
/// (<c>deliveries/</c>) older than <c>keep_delivery_days</c>, and pre-write snapshots (<c>snapshots/</c>) a crashed
/// sync left behind. Each folder is listed once with write times, and decisions come from the listing; only sync
/// records past a limit are read (to keep queued and running ones), plus the few documents that reference syncs
/// (applied commits, baselines, drift reports), read only when something is to be deleted.
/// Safe with several instances pruning at once: every decision is taken from one listing and only ever removes
/// documents that are already past a limit, so racing pruners delete the same documents (a delete of a missing key
/// is no error) and never more than one alone would.
/// </summary>
public sealed class StatePruner
{
    /// <summary>Snapshots with no sync record (heals and Functions syncs have none while they run) are removed after this.</summary>
    public static readonly TimeSpan OrphanSnapshotAge = TimeSpan.FromDays(7);

    private const string Syncs = "syncs";
    private const string Deliveries = "deliveries";
    private const string Snapshots = "snapshots";
    private const int Parallelism = 8;

    private readonly IStateStore _store;
    private readonly StateSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StatePruner(IStateStore store, StateSettings settings, TimeProvider time, ILogger<StatePruner>? logger = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var (syncsDeleted, syncsKept) = await PruneSyncsAsync(now, cancellationToken);
        var deliveries = await PruneDeliveriesAsync(now, cancellationToken);
        var snapshots = await PruneSnapshotsAsync(now, cancellationToken);
        return new PruneResult { SyncsDeleted = syncsDeleted, SyncsKept = syncsKept, DeliveriesDeleted = deliveries, SnapshotsDeleted = snapshots };
    }

    private async Task<(int Deleted, int Kept)> PruneSyncsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_settings.KeepSyncs <= 0 && _settings.KeepSyncDays <= 0) return (0, 0);
        var records = new List<(string Key, string Id, DateTimeOffset Modified)>();
        foreach (var entry in await _store.ListEntriesAsync(Syncs, cancellationToken))
        {
            var segments = entry.Key.Split('/');
            if (segments.Length != 2 || !SyncIds.IsValid(segments[1])) continue; // not a sync record
            var modified = entry.Modified ?? await RecordTimeAsync(entry.Key, cancellationToken);
            if (modified is { } time) records.Add((entry.Key, segments[1], time));
        }
        // Newest first; the key breaks ties so every instance ranks one listing the same way.
        records.Sort((a, b) => b.Modified != a.Modified ? b.Modified.CompareTo(a.Modified) : string.CompareOrdinal(a.Key, b.Key));
        var cutoff = _settings.KeepSyncDays > 0 ? now - TimeSpan.FromDays(_settings.KeepSyncDays) : DateTimeOffset.MinValue;
        var candidates = records
            .Where((record, rank) => (_settings.KeepSyncs > 0 && rank >= _settings.KeepSyncs) || record.Modified < cutoff)
            .ToList();
        if (candidates.Count == 0) return (0, 0);

        var referenced = await ReferencedSyncIdsAsync(cancellationToken);
        int deleted = 0, kept = 0;
        await Parallel.ForEachAsync(candidates, Options(cancellationToken), async (candidate, token) =>
        {
            if (referenced.Contains(candidate.Id))
            {
                Interlocked.Increment(ref kept);
                return;
            }
            // Queued and running records are never removed: the queue (or a restart) still needs them.
            var record = await ReadRecordAsync(candidate.Key, token);
            if (record is null) return; // another instance was first
            if (record.State is SyncState.Queued or SyncState.Running)
            {
                Interlocked.Increment(ref kept);
                return;
            }
            await _store.DeleteAsync(candidate.Key, token);
            Interlocked.Increment(ref deleted);
        });
        return (deleted, kept);
    }

    /// <summary>
    /// Syncs something still points at: the one that applied each ref's current commit (<c>applied/</c>), the ones
    /// that wrote each applied baseline, and the heals named by drift reports.
    /// </summary>
    private async Task<HashSet<string>> ReferencedSyncIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var applied = await _store.ListAsync("applied", cancellationToken);
        await Parallel.ForEachAsync(applied, Options(cancellationToken), async (key, token) =>
        {
            var segments = key.Split('/');
            if (segments.Length != 3 || await _store.ReadAsync(key, token) is not { } commit) return;
            ids[SyncIds.For(StateKey.Unescape(segments[1]), StateKey.Unescape(segments[2]), Encoding.UTF8.GetString(commit).Trim())] = true;
        });
        var baselines = await _store.ListAsync("baselines", cancellationToken);
        await Parallel.ForEachAsync(baselines, Options(cancellationToken), async (key, token) =>
        {
            if (await ReadOrNullAsync<AppliedBaseline>(key, token) is { SyncId: { } id }) ids[id] = true;
        });
        var reports = await _store.ListAsync("drift", cancellationToken);
        await Parallel.ForEachAsync(reports, Options(cancellationToken), async (key, token) =>
        {
            if (await ReadOrNullAsync<DriftReport>(key, token) is { HealSyncId: { } id }) ids[id] = true;
        });
        return ids.Keys.ToHashSet(StringComparer.Ordinal);
    }

    private async Task<int> PruneDeliveriesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_settings.KeepDeliveryDays <= 0) return 0;
        var cutoff = now - TimeSpan.FromDays(_settings.KeepDeliveryDays);
        var deleted = 0;
        await Parallel.ForEachAsync(await _store.ListEntriesAsync(Deliveries, cancellationToken), Options(cancellationToken), async (entry, token) =>
        {
            var received = entry.Modified ?? await DeliveryTimeAsync(entry.Key, token);
            if (received is not { } time || time >= cutoff) return;
            await _store.DeleteAsync(entry.Key, token);
            Interlocked.Increment(ref deleted);
        });
        return deleted;
    }

    /// <summary>
    /// A sync drops its snapshots when each file ends; a crash in between leaves them (with destination values in
    /// them). They go once their sync is recorded as ended, or, with no record, after <see cref="OrphanSnapshotAge"/>.
    /// </summary>
    private async Task<int> PruneSnapshotsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var groups = (await _store.ListEntriesAsync(Snapshots, cancellationToken))
            .Where(e => e.Key.Split('/').Length > 2)
            .GroupBy(e => e.Key.Split('/')[1], StringComparer.Ordinal)
            .ToList();
        var deleted = 0;
        await Parallel.ForEachAsync(groups, Options(cancellationToken), async (group, token) =>
        {
            var record = await ReadRecordAsync(StateKey.Of(Syncs, StateKey.Unescape(group.Key)), token);
            // A write time the store does not report counts as now: such snapshots only go with an ended record.
            var newest = group.Max(e => e.Modified ?? now);
            var ended = record is { State: not (SyncState.Queued or SyncState.Running) };
            if (!ended && (record is not null || newest >= now - OrphanSnapshotAge)) return;
            foreach (var entry in group)
            {
                await _store.DeleteAsync(entry.Key, token);
                Interlocked.Increment(ref deleted);
            }
        });
        return deleted;
    }

    private async Task<DateTimeOffset?> RecordTimeAsync(string key, CancellationToken cancellationToken) =>
        await ReadRecordAsync(key, cancellationToken) is { } record ? record.FinishedAt ?? record.StartedAt ?? record.Request.RequestedAt : null;

    private Task<SyncRecord?> ReadRecordAsync(string key, CancellationToken cancellationToken) => ReadOrNullAsync<SyncRecord>(key, cancellationToken);

    /// <summary>The document, or null when it is missing or unreadable (a corrupt document is logged and left alone).</summary>
    private async Task<T?> ReadOrNullAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await StateJson.ReadAsync<T>(_store, key, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            _logger.LogWarning("retention skips {Key}: {Error}", key, ex.Message);
            return null;
        }
    }

    private async Task<DateTimeOffset?> DeliveryTimeAsync(string key, CancellationToken cancellationToken)
    {
        if (await _store.ReadAsync(key, cancellationToken) is not { } data) return null;
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.TryGetProperty("received_at", out var at) && at.TryGetDateTimeOffset(out var time) ? time : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
}

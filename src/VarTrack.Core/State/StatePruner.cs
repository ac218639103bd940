using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Drift;
using VarTrack.Core.Sync;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.State;

/// <summary>
/// Removes the state documents written per event once <see cref="StateSettings"/> no longer keeps them: sync records
/// (<c>syncs/</c>) beyond the newest <c>keep_syncs</c> or older than <c>keep_sync_days</c>, webhook delivery ids
/// (<c>deliveries/</c>) older than <c>keep_delivery_days</c>, and pre-write snapshots (<c>snapshots/</c>) a crashed
/// sync left behind. Each folder is listed once with write times, and ranking and age come from the listing; only sync
/// records past a limit are read (to keep queued and running ones, and to judge a record rewritten since the listing
/// by its own times), then, only when one of them is to be deleted, the documents that may reference it (the applied
/// commit of its ref, then baselines, then drift reports, each only while undecided candidates remain).
/// Safe with several instances pruning at once: every decision is taken from one listing and only ever removes
/// documents that are already past a limit, so racing pruners delete the same documents (a delete of a missing key
/// is no error) and never more than one alone would.
/// </summary>
public sealed class StatePruner
{
    /// <summary>Snapshots with no sync record (heals and Functions syncs have none while they run) are removed after this.</summary>
    public static readonly TimeSpan OrphanSnapshotAge = TimeSpan.FromDays(7);

    // Each folder's name belongs to the store that writes it.
    private const string Syncs = SyncRecordStore.Root;
    private const string Deliveries = WebhookHandler.DeliveriesRoot;
    private const string Snapshots = SnapshotStore.Root;
    private const int Parallelism = 8;

    /// <summary>The shortest commit id <c>POST /api/syncs</c> accepts.</summary>
    private const int MinimumCommitLength = 7;

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
            var modified = entry.Modified ?? (await ReadRecordAsync(entry.Key, cancellationToken) is { } read ? TimeOf(read) : null);
            if (modified is { } time) records.Add((entry.Key, segments[1], time));
        }
        // Newest first; the key breaks ties so every instance ranks one listing the same way.
        records.Sort((a, b) => b.Modified != a.Modified ? b.Modified.CompareTo(a.Modified) : string.CompareOrdinal(a.Key, b.Key));
        var cutoff = _settings.KeepSyncDays > 0 ? now - TimeSpan.FromDays(_settings.KeepSyncDays) : DateTimeOffset.MinValue;
        var candidates = records
            .Where((record, rank) => PastLimit(rank, record.Modified))
            .ToList();
        if (candidates.Count == 0) return (0, 0);

        // Each candidate's record is read now, after the listing: queued and running ones are kept (the queue or a
        // restart still needs them), and one rewritten since the listing (a queued sync that ran and finished) is
        // judged again by its own times, so it is not removed for the old write time the listing showed.
        var listed = records.Select(r => r.Modified).ToList();
        var deletable = new ConcurrentBag<(string Key, string Id, SyncRequest Request)>();
        var kept = 0;
        await Parallel.ForEachAsync(candidates, Options(cancellationToken), async (candidate, token) =>
        {
            var record = await ReadRecordAsync(candidate.Key, token);
            if (record is null) return; // another instance was first, or corrupt (logged)
            if (record.State is SyncState.Queued or SyncState.Running)
            {
                Interlocked.Increment(ref kept);
                return;
            }
            var own = TimeOf(record);
            if (own > candidate.Modified)
            {
                var rank = listed.Count(modified => modified > own);
                if (!PastLimit(rank, own)) return;
            }
            deletable.Add((candidate.Key, candidate.Id, record.Request));
        });
        if (deletable.IsEmpty) return (0, kept);

        // Read after the candidates, so a sync that finished meanwhile and is now applied is seen as referenced.
        var remaining = await UnreferencedAsync([.. deletable], cancellationToken);
        kept += deletable.Count - remaining.Count;
        var deleted = 0;
        await Parallel.ForEachAsync(remaining, Options(cancellationToken), async (candidate, token) =>
        {
            await _store.DeleteAsync(candidate.Key, token);
            Interlocked.Increment(ref deleted);
        });
        return (deleted, kept);

        bool PastLimit(int rank, DateTimeOffset modified) =>
            (_settings.KeepSyncs > 0 && rank >= _settings.KeepSyncs) || modified < cutoff;
    }

    /// <summary>
    /// The candidates nothing points at. Checked in order of cost, each step only while candidates remain: the commit
    /// applied for each candidate's repository and ref (<c>applied/</c>, one small document per ref; a record whose
    /// requested commit is that commit or a prefix of it, as <c>POST /api/syncs</c> accepts 7 to 40 hex digits), then
    /// the syncs that wrote applied baselines (<c>baselines/</c>), then the heals named by drift reports (<c>drift/</c>).
    /// </summary>
    private async Task<List<(string Key, string Id, SyncRequest Request)>> UnreferencedAsync(
        List<(string Key, string Id, SyncRequest Request)> candidates, CancellationToken cancellationToken)
    {
        var applied = new ConcurrentDictionary<(string Repository, string Ref), string?>();
        await Parallel.ForEachAsync(candidates.Select(c => (c.Request.Repository, c.Request.Ref)).Distinct(), Options(cancellationToken), async (reference, token) =>
        {
            var commit = await _store.ReadAsync(SyncResolver.AppliedKey(reference.Repository, reference.Ref), token);
            applied[reference] = commit is null ? null : Encoding.UTF8.GetString(commit).Trim();
        });
        var remaining = candidates.Where(c => !IsApplied(c.Request, applied[(c.Request.Repository, c.Request.Ref)])).ToList();
        if (remaining.Count == 0) return remaining;

        var ids = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(await _store.ListAsync(BaselineStore.Root, cancellationToken), Options(cancellationToken), async (key, token) =>
        {
            if (await ReadOrNullAsync<AppliedBaseline>(key, token) is { SyncId: { } id }) ids[id] = true;
        });
        remaining.RemoveAll(c => ids.ContainsKey(c.Id));
        if (remaining.Count == 0) return remaining;

        await Parallel.ForEachAsync(await _store.ListAsync(DriftReportStore.Root, cancellationToken), Options(cancellationToken), async (key, token) =>
        {
            if (await ReadOrNullAsync<DriftReport>(key, token) is { HealSyncId: { } id }) ids[id] = true;
        });
        remaining.RemoveAll(c => ids.ContainsKey(c.Id));
        return remaining;
    }

    /// <summary>Whether the request asked for the applied commit: the full id, or (API requests) an abbreviation of it.</summary>
    private static bool IsApplied(SyncRequest request, string? appliedCommit) =>
        appliedCommit is not null && request.Commit is { Length: >= MinimumCommitLength } commit
        && appliedCommit.StartsWith(commit, StringComparison.OrdinalIgnoreCase);

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

    /// <summary>A record's own last time: when it finished, else started, else was requested (queued).</summary>
    private static DateTimeOffset TimeOf(SyncRecord record) => record.FinishedAt ?? record.StartedAt ?? record.Request.RequestedAt;

    private async Task<SyncRecord?> ReadRecordAsync(string key, CancellationToken cancellationToken)
    {
        var record = await ReadOrNullAsync<SyncRecord>(key, cancellationToken);
        // Deserialised without a request (hand-edited or truncated): as corrupt, logged and left alone.
        if (record is not null && record.Request is null)
        {
            _logger.LogWarning("retention skips {Key}: the record has no request", key);
            return null;
        }
        return record;
    }

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

using VarTrack.Core.State;
using VarTrack.Core.Tests.Releases;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.State;

/// <summary>
/// The pruning decisions over an in-memory store whose write times follow a clock moved by hand: count and age limits,
/// queued and running records kept, records referenced by the applied commit, a baseline or a drift report kept,
/// delivery ids by age, leftover snapshots, and several pruners at once.
/// </summary>
public sealed class StatePrunerTests
{
    private readonly ManualClock _clock = new(PruneFixture.Start);
    private readonly InMemoryStateStore _store;
    private readonly PruneFixture _fixture;

    public StatePrunerTests()
    {
        _store = new InMemoryStateStore(_clock);
        _fixture = new PruneFixture(_store);
    }

    private StatePruner Pruner(StateSettings settings, IStateStore? store = null) => new(store ?? _store, settings, _clock);

    /// <summary>Records 0..count-1, one minute apart (record n written at Start + n minutes), all succeeded.</summary>
    private async Task<List<string>> SucceededAsync(int count, int first = 0)
    {
        var ids = new List<string>();
        for (var n = first; n < first + count; n++)
        {
            _clock.Now = PruneFixture.Start.AddMinutes(n);
            ids.Add(await _fixture.SyncAsync(n, SyncState.Succeeded, _clock.Now));
        }
        return ids;
    }

    [Fact]
    public async Task The_count_limit_keeps_the_newest_records()
    {
        var ids = await SucceededAsync(50);

        var result = await Pruner(new StateSettings { KeepSyncs = 10, KeepSyncDays = 0 }).PruneAsync();

        Assert.Equal(40, result.SyncsDeleted);
        Assert.Equal(0, result.SyncsKept);
        Assert.Equal(ids[40..].Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
    }

    [Fact]
    public async Task The_age_limit_removes_records_last_written_before_the_cut_off()
    {
        _clock.Now = PruneFixture.Start;
        var old = await _fixture.SyncAsync(1, SyncState.Failed, _clock.Now);
        _clock.Now = PruneFixture.Start.AddDays(2);
        var recent = await _fixture.SyncAsync(2, SyncState.Succeeded, _clock.Now);
        _clock.Now = PruneFixture.Start.AddDays(2).AddHours(1);
        var abandoned = await _fixture.SyncAsync(3, SyncState.Abandoned, _clock.Now);

        // 31 days after the first: it is past 30 days, the others are 29 days old.
        _clock.Now = PruneFixture.Start.AddDays(31);
        var result = await Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal(1, result.SyncsDeleted);
        Assert.Equal(new[] { recent, abandoned }.Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
        Assert.DoesNotContain(old, await _fixture.SyncIdsLeftAsync());
    }

    [Fact]
    public async Task Either_limit_removes_a_record()
    {
        await SucceededAsync(5);
        _clock.Now = PruneFixture.Start.AddDays(40);
        var fresh = await _fixture.SyncAsync(100, SyncState.Succeeded, _clock.Now);

        // Count 3 keeps records 100, 4 and 3; the age limit removes 4 and 3 anyway.
        var result = await Pruner(new StateSettings { KeepSyncs = 3, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal([fresh], await _fixture.SyncIdsLeftAsync());
        Assert.Equal(5, result.SyncsDeleted);
    }

    [Fact]
    public async Task Queued_and_running_records_are_kept_past_both_limits()
    {
        _clock.Now = PruneFixture.Start;
        var queued = await _fixture.SyncAsync(1, SyncState.Queued, _clock.Now);
        var running = await _fixture.SyncAsync(2, SyncState.Running, _clock.Now);
        var done = await _fixture.SyncAsync(3, SyncState.Succeeded, _clock.Now);
        await SucceededAsync(5, first: 10);

        _clock.Now = PruneFixture.Start.AddDays(90);
        var result = await Pruner(new StateSettings { KeepSyncs = 1, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal(6, result.SyncsDeleted);
        Assert.Equal(2, result.SyncsKept);
        Assert.Equal(new[] { queued, running }.Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
        Assert.DoesNotContain(done, await _fixture.SyncIdsLeftAsync());
    }

    [Fact]
    public async Task Records_referenced_by_the_applied_commit_a_baseline_or_a_drift_report_are_kept()
    {
        var ids = await SucceededAsync(20);
        _clock.Now = PruneFixture.Start.AddMinutes(30);
        var tagged = await _fixture.SyncAsync(3, SyncState.Succeeded, PruneFixture.Start.AddMinutes(30), "refs/tags/v1");
        // What the workflows leave pointing at syncs: each ref's applied commit, the baseline's sync, a heal.
        await _fixture.AppliedAsync("refs/heads/main", 7);
        await _fixture.AppliedAsync("refs/tags/v1", 3);
        await _fixture.BaselineAsync(ids[2], "vt:app:production");
        await _fixture.DriftReportAsync(ids[5], "vt:app:staging");

        _clock.Now = PruneFixture.Start.AddDays(60);
        var result = await Pruner(new StateSettings { KeepSyncs = 2, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal(new[] { ids[2], ids[5], ids[7], tagged }.Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
        Assert.Equal(4, result.SyncsKept);
        Assert.Equal(17, result.SyncsDeleted);
    }

    [Fact]
    public async Task Nothing_is_read_or_removed_within_the_limits()
    {
        await SucceededAsync(5);

        var result = await Pruner(new StateSettings { KeepSyncs = 5, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal(new PruneResult(), result);
        Assert.Equal(5, (await _fixture.SyncIdsLeftAsync()).Count);
    }

    [Fact]
    public async Task Zero_turns_the_sync_limits_off()
    {
        await SucceededAsync(30);
        _clock.Now = PruneFixture.Start.AddDays(400);

        var result = await Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 0, KeepDeliveryDays = 0 }).PruneAsync();

        Assert.Equal(0, result.SyncsDeleted);
        Assert.Equal(30, (await _fixture.SyncIdsLeftAsync()).Count);
    }

    [Fact]
    public async Task A_store_without_write_times_is_ranked_by_the_records_own_times()
    {
        var ids = await SucceededAsync(12);
        var keysOnly = new KeysOnlyStateStore(_store);

        var result = await Pruner(new StateSettings { KeepSyncs = 4, KeepSyncDays = 0 }, keysOnly).PruneAsync();

        Assert.Equal(8, result.SyncsDeleted);
        Assert.Equal(ids[8..].Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
    }

    [Fact]
    public async Task Keys_under_syncs_that_are_not_sync_records_are_left_alone()
    {
        _clock.Now = PruneFixture.Start;
        await _store.WriteAsync("syncs/not-a-sync", "{}"u8.ToArray());
        await _store.WriteAsync("syncs/sync-0123/extra", "{}"u8.ToArray());
        _clock.Now = PruneFixture.Start.AddDays(100);

        await Pruner(new StateSettings { KeepSyncs = 1, KeepSyncDays = 1 }).PruneAsync();

        Assert.Equal(["syncs/not-a-sync", "syncs/sync-0123/extra"], await _store.ListAsync("syncs"));
    }

    [Fact]
    public async Task Delivery_ids_older_than_the_limit_are_removed()
    {
        _clock.Now = PruneFixture.Start;
        await _fixture.DeliveryAsync("old-1");
        await _fixture.DeliveryAsync("old-2");
        _clock.Now = PruneFixture.Start.AddDays(6);
        await _fixture.DeliveryAsync("recent");

        _clock.Now = PruneFixture.Start.AddDays(8);
        var result = await Pruner(new StateSettings { KeepDeliveryDays = 7 }).PruneAsync();

        Assert.Equal(2, result.DeliveriesDeleted);
        Assert.Equal(["deliveries/github/recent"], await _store.ListAsync("deliveries"));
        // Off: kept forever.
        _clock.Now = PruneFixture.Start.AddDays(800);
        Assert.Equal(0, (await Pruner(new StateSettings { KeepDeliveryDays = 0 }).PruneAsync()).DeliveriesDeleted);
        Assert.Single(await _store.ListAsync("deliveries"));
    }

    [Fact]
    public async Task Snapshots_go_when_their_sync_ended_or_after_a_week_without_a_record()
    {
        _clock.Now = PruneFixture.Start;
        var ended = await _fixture.SyncAsync(1, SyncState.Failed, _clock.Now);
        var running = await _fixture.SyncAsync(2, SyncState.Running, _clock.Now);
        var heal = SyncIds.For("heal:x", "heal", "1");
        var oldOrphan = SyncIds.For("heal:y", "heal", "2");
        await _fixture.SnapshotAsync(ended, "a");
        await _fixture.SnapshotAsync(ended, "b");
        await _fixture.SnapshotAsync(running, "a");
        await _fixture.SnapshotAsync(oldOrphan, "a");
        _clock.Now = PruneFixture.Start.AddDays(7).AddHours(1);
        await _fixture.SnapshotAsync(heal, "a"); // a heal in progress: no record yet

        var result = await Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 0 }).PruneAsync();

        Assert.Equal(3, result.SnapshotsDeleted);
        Assert.Equal(new[] { heal, running }.Order(StringComparer.Ordinal),
            (await _store.ListAsync("snapshots")).Select(k => k.Split('/')[1]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Several_pruners_at_once_remove_exactly_what_one_would()
    {
        var ids = await SucceededAsync(60);
        _clock.Now = PruneFixture.Start.AddMinutes(70);
        var queued = await _fixture.SyncAsync(500, SyncState.Queued, PruneFixture.Start);
        var settings = new StateSettings { KeepSyncs = 15, KeepSyncDays = 0 };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Pruner(settings).PruneAsync())));

        // The newest 15 by write time are the queued one (written last) and records 46..59.
        Assert.Equal(ids[46..].Append(queued).Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
        // Records 0..45 (46) go; racing pruners may each count a delete of the same record.
        Assert.InRange(results.Sum(r => r.SyncsDeleted), 46, 8 * 46);
    }

    [Fact]
    public async Task Records_written_while_pruners_run_and_the_newest_ones_survive()
    {
        await SucceededAsync(40);
        var settings = new StateSettings { KeepSyncs = 10, KeepSyncDays = 0 };

        // Pruners and a writer race; the writer's records are newer than everything listed before them.
        var writer = Task.Run(async () =>
        {
            var written = new List<string>();
            for (var n = 1000; n < 1005; n++)
            {
                lock (_clock) _clock.Now = PruneFixture.Start.AddDays(1).AddMinutes(n);
                written.Add(await _fixture.SyncAsync(n, SyncState.Queued, PruneFixture.Start.AddDays(1)));
            }
            return written;
        });
        var pruners = Enumerable.Range(0, 6).Select(_ => Task.Run(() => Pruner(settings).PruneAsync())).ToList();
        await Task.WhenAll(pruners);
        var queued = await writer;
        await Pruner(settings).PruneAsync();

        var left = await _fixture.SyncIdsLeftAsync();
        Assert.All(queued, id => Assert.Contains(id, left));
        // The queued five and the newest five succeeded records (35..39).
        Assert.Equal(10, left.Count);
        Assert.All(Enumerable.Range(35, 5).Select(PruneFixture.IdOf), id => Assert.Contains(id, left));
    }

    [Fact]
    public async Task A_queued_sync_that_finishes_after_the_listing_is_judged_by_its_own_times_under_the_count_limit()
    {
        var store = new ObservedStateStore(_store);
        _clock.Now = PruneFixture.Start;
        var queued = await _fixture.SyncAsync(999, SyncState.Queued, _clock.Now);
        var ids = await SucceededAsync(20, first: 1);
        // The listing shows it as the oldest record; it runs and finishes before the pruner reads it.
        store.AfterListing = async folder =>
        {
            if (folder != "syncs") return false;
            _clock.Now = PruneFixture.Start.AddHours(1);
            await _fixture.SyncAsync(999, SyncState.Succeeded, _clock.Now);
            return true;
        };

        var result = await Pruner(new StateSettings { KeepSyncs = 10, KeepSyncDays = 0 }, store).PruneAsync();

        // Now the newest record: kept, and the ten oldest by the listing are removed.
        Assert.Null(store.AfterListing);
        Assert.Equal(ids[10..].Append(queued).Order(StringComparer.Ordinal), await _fixture.SyncIdsLeftAsync());
        Assert.Equal(10, result.SyncsDeleted);
    }

    [Fact]
    public async Task A_queued_sync_that_finishes_after_the_listing_is_judged_by_its_own_times_under_the_age_limit()
    {
        var store = new ObservedStateStore(_store);
        _clock.Now = PruneFixture.Start;
        var queued = await _fixture.SyncAsync(999, SyncState.Queued, _clock.Now);
        var old = await _fixture.SyncAsync(1, SyncState.Succeeded, _clock.Now);
        _clock.Now = PruneFixture.Start.AddDays(40);
        store.AfterListing = async folder =>
        {
            if (folder != "syncs") return false;
            await _fixture.SyncAsync(999, SyncState.Succeeded, _clock.Now);
            return true;
        };

        var result = await Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 30 }, store).PruneAsync();

        Assert.Null(store.AfterListing);
        Assert.Equal([queued], await _fixture.SyncIdsLeftAsync());
        Assert.DoesNotContain(old, await _fixture.SyncIdsLeftAsync());
        Assert.Equal(1, result.SyncsDeleted);
    }

    [Fact]
    public async Task A_sync_that_finishes_and_becomes_the_applied_commit_while_the_pruner_runs_is_kept()
    {
        var store = new ObservedStateStore(_store);
        _clock.Now = PruneFixture.Start;
        var queued = await _fixture.SyncAsync(999, SyncState.Queued, _clock.Now);
        await SucceededAsync(20, first: 1);
        // It finishes and is recorded as applied (as SyncQueue and SyncResolver.FinishAsync do) after the pruner
        // read the candidates and the referencing documents.
        store.AfterListing = async folder =>
        {
            if (folder != "drift") return false;
            _clock.Now = PruneFixture.Start.AddHours(1);
            await _fixture.SyncAsync(999, SyncState.Succeeded, _clock.Now);
            await _fixture.AppliedAsync("refs/heads/main", 999);
            return true;
        };

        await Pruner(new StateSettings { KeepSyncs = 10, KeepSyncDays = 0 }, store).PruneAsync();

        Assert.Null(store.AfterListing);
        Assert.Contains(queued, await _fixture.SyncIdsLeftAsync());
    }

    [Fact]
    public async Task The_sync_of_the_applied_commit_requested_with_a_short_commit_id_is_kept()
    {
        const string full = "abc1234def56789012345678901234567890abcd";
        var git = new VarTrack.Core.Config.GitSettings { CloneUrl = "https://git.example/{repository}.git" };
        // POST /api/syncs accepts 7 to 40 hex digits and derives the sync id from them as sent.
        var shortRequest = new SyncApiRequest("acme/app", "refs/heads/main", "ABC1234DEF56").ToSyncRequest(git, _clock.Now);
        var otherRequest = new SyncApiRequest("acme/app", "refs/heads/main", "abc1234dee56").ToSyncRequest(git, _clock.Now);
        var otherRef = new SyncApiRequest("acme/app", "refs/heads/dev", "abc1234def56").ToSyncRequest(git, _clock.Now);
        foreach (var request in new[] { shortRequest, otherRequest, otherRef })
            await _fixture.Records.SaveAsync(new SyncRecord(request.SyncId, SyncState.Succeeded, request) { FinishedAt = _clock.Now });
        // SyncResolver.FinishAsync stores the resolved (full) commit.
        await _store.WriteAsync(StateKey.Of("applied", "acme/app", "refs/heads/main"), System.Text.Encoding.UTF8.GetBytes(full));
        _clock.Now = PruneFixture.Start.AddDays(40);

        var result = await Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 30 }).PruneAsync();

        Assert.Equal([shortRequest.SyncId], await _fixture.SyncIdsLeftAsync());
        Assert.Equal(1, result.SyncsKept);
        Assert.Equal(2, result.SyncsDeleted);
    }

    [Fact]
    public async Task Referencing_documents_are_not_read_when_every_record_past_a_limit_is_queued_or_running()
    {
        var store = new ObservedStateStore(_store);
        var queued = await _fixture.SyncAsync(1, SyncState.Queued, _clock.Now);
        var running = await _fixture.SyncAsync(2, SyncState.Running, _clock.Now);
        for (var n = 0; n < 10; n++) await _fixture.BaselineAsync(queued, "d" + n);
        await _fixture.DriftReportAsync(running, "d0");
        await _fixture.AppliedAsync("refs/heads/main", 1);
        _clock.Now = PruneFixture.Start.AddDays(40);
        var pruner = Pruner(new StateSettings { KeepSyncs = 0, KeepSyncDays = 30 }, store);

        for (var i = 0; i < 3; i++)
            Assert.Equal(new PruneResult { SyncsKept = 2 }, await pruner.PruneAsync());

        Assert.Equal(0, store.ReadsUnder("applied"));
        Assert.Equal(0, store.ReadsUnder("baselines"));
        Assert.Equal(0, store.ReadsUnder("drift"));
        Assert.Equal(6, store.ReadsUnder("syncs"));
    }

    [Fact]
    public async Task Referencing_documents_are_read_in_order_of_cost_only_while_a_deletable_record_remains()
    {
        var store = new ObservedStateStore(_store);
        var settings = new StateSettings { KeepSyncs = 0, KeepSyncDays = 30 };
        var applied = await _fixture.SyncAsync(1, SyncState.Succeeded, _clock.Now);
        var based = PruneFixture.IdOf(2);
        for (var n = 0; n < 50; n++) await _fixture.BaselineAsync(based, "d" + n);
        await _fixture.DriftReportAsync(based, "d0");
        await _fixture.AppliedAsync("refs/heads/main", 1);
        _clock.Now = PruneFixture.Start.AddDays(40);

        // Only the applied commit's record is past the limit: the applied document decides, no baseline is read.
        Assert.Equal(new PruneResult { SyncsKept = 1 }, await Pruner(settings, store).PruneAsync());
        Assert.Equal(1, store.ReadsUnder("applied"));
        Assert.Equal(0, store.ReadsUnder("baselines"));

        // A record only baselines point at: applied, then every baseline (which one points at it is only known by
        // reading them), on every prune while it is past a limit; drift reports are not needed.
        _clock.Now = PruneFixture.Start;
        Assert.Equal(based, await _fixture.SyncAsync(2, SyncState.Succeeded, _clock.Now));
        await _store.DeleteAsync(StateKey.Of("syncs", applied));
        _clock.Now = PruneFixture.Start.AddDays(40);
        for (var i = 0; i < 3; i++)
            Assert.Equal(new PruneResult { SyncsKept = 1 }, await Pruner(settings, store).PruneAsync());
        Assert.Equal(150, store.ReadsUnder("baselines"));
        Assert.Equal(0, store.ReadsUnder("drift"));
        Assert.Equal([based], await _fixture.SyncIdsLeftAsync());
    }
}

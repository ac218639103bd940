using System.Text;
using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.State;

/// <summary>
/// Retention against a real state store: the listing carries write times, and the pruner keeps the newest records,
/// queued and referenced ones, and removes by age, also with several pruners at once. Each test uses a store of its own.
/// </summary>
public abstract class StatePruningContractTests
{
    protected abstract IStateStore Store { get; }

    private SyncRecordStore Records => new(Store);

    private static string Commit(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> SyncAsync(int n, SyncState state)
    {
        var id = SyncIds.For("acme/app", "refs/heads/main", Commit(n));
        var now = DateTimeOffset.UtcNow;
        var request = new SyncRequest(id, "acme/app", "https://git.example/acme/app.git", "refs/heads/main", Commit(n)) { RequestedAt = now };
        await Records.SaveAsync(new SyncRecord(id, state, request) { FinishedAt = state is SyncState.Queued or SyncState.Running ? null : now });
        return id;
    }

    private async Task<IReadOnlyList<string>> SyncIdsLeftAsync() =>
        (await Store.ListAsync("syncs")).Select(k => k.Split('/')[1]).Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until a new write gets a later time than <paramref name="after"/> (Blob times are whole seconds).</summary>
    private async Task WaitForLaterWritesAsync(DateTimeOffset after)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await Store.WriteAsync("probe/clock", new byte[] { 1 });
            if ((await Store.ListEntriesAsync("probe")).Single().Modified > after) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the store still reports write times at or before {after:O} after 60 s");
            await Task.Delay(100);
        }
        await Store.DeleteAsync("probe/clock");
    }

    [Fact]
    public async Task The_listing_carries_each_documents_write_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await Store.WriteAsync("syncs/a", new byte[] { 1 });
        await Store.WriteAsync("syncs/b/c", new byte[] { 2 });
        var after = DateTimeOffset.UtcNow.AddSeconds(2);

        var entries = await Store.ListEntriesAsync("syncs");

        Assert.Equal(["syncs/a", "syncs/b/c"], entries.Select(e => e.Key));
        Assert.All(entries, e => Assert.InRange(e.Modified!.Value, before, after));
        Assert.Equal(await Store.ListAsync("syncs"), entries.Select(e => e.Key));
    }

    [Fact]
    public async Task The_count_limit_keeps_the_newest_records_and_every_queued_or_referenced_one()
    {
        var old = new List<string>();
        for (var n = 0; n < 12; n++) old.Add(await SyncAsync(n, SyncState.Succeeded));
        var queued = await SyncAsync(100, SyncState.Queued);
        await Store.WriteAsync(BaselineStore.KeyOf("cache", "vt:app", "app", "config/app.yaml"),
            StateJson.Serialize(new AppliedBaseline("cache", "vt:app", "app", "config/app.yaml", "production") { ContentHash = "h", SyncId = old[3] }));
        await Store.WriteAsync(StateKey.Of("applied", "acme/app", "refs/heads/main"), Encoding.UTF8.GetBytes(Commit(5)));
        await WaitForLaterWritesAsync((await Store.ListEntriesAsync("syncs")).Max(e => e.Modified!.Value));
        var recent = new List<string>();
        for (var n = 200; n < 204; n++) recent.Add(await SyncAsync(n, SyncState.Failed));

        var result = await new StatePruner(Store, new StateSettings { KeepSyncs = 4, KeepSyncDays = 0 }, TimeProvider.System).PruneAsync();

        Assert.Equal(recent.Append(queued).Append(old[3]).Append(old[5]).Order(StringComparer.Ordinal), await SyncIdsLeftAsync());
        Assert.Equal((10, 3), (result.SyncsDeleted, result.SyncsKept));
    }

    [Fact]
    public async Task Several_pruners_at_once_remove_what_is_past_the_age_limit_and_keep_running_syncs()
    {
        var ended = new List<string>();
        for (var n = 0; n < 30; n++) ended.Add(await SyncAsync(n, SyncState.Succeeded));
        var running = new[] { await SyncAsync(100, SyncState.Running), await SyncAsync(101, SyncState.Queued) };
        for (var n = 0; n < 5; n++) await Store.TryCreateAsync(StateKey.Of("deliveries", "github", $"delivery-{n}"), "{}"u8.ToArray());
        await Store.WriteAsync(StateKey.Of("snapshots", ended[0], "app:config/app.yaml", "cache", "vt:app"), "{}"u8.ToArray());
        await Store.WriteAsync(StateKey.Of("snapshots", running[0], "app:config/app.yaml", "cache", "vt:app"), "{}"u8.ToArray());
        // A month and a day from now, everything written above is past keep_sync_days and keep_delivery_days.
        var later = new ShiftedTime(TimeSpan.FromDays(31));
        var settings = new StateSettings { KeepSyncs = 1000, KeepSyncDays = 30, KeepDeliveryDays = 7 };

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new StatePruner(Store, settings, later).PruneAsync())));

        Assert.Equal(running.Order(StringComparer.Ordinal), await SyncIdsLeftAsync());
        Assert.Empty(await Store.ListAsync("deliveries"));
        Assert.Equal([StateKey.Of("snapshots", running[0], "app:config/app.yaml", "cache", "vt:app")], await Store.ListAsync("snapshots"));
        Assert.InRange(results.Sum(r => r.SyncsDeleted), 30, 6 * 30);
        Assert.All(results, r => Assert.Equal(2, r.SyncsKept));
    }

    /// <summary>The real clock moved by a fixed amount.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}

using System.Text;
using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.State;

/// <summary>Writes sync records, delivery ids, snapshots and the documents that reference syncs into a state store, as the workflows do.</summary>
public sealed class PruneFixture(IStateStore store)
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public IStateStore Store { get; } = store;

    public SyncRecordStore Records { get; } = new(store);

    public static string IdOf(int n) => SyncIds.For("acme/app", "refs/heads/main", Commit(n));

    public static string Commit(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<string> SyncAsync(int n, SyncState state, DateTimeOffset finished, string reference = "refs/heads/main")
    {
        var id = SyncIds.For("acme/app", reference, Commit(n));
        var request = new SyncRequest(id, "acme/app", "https://git.example/acme/app.git", reference, Commit(n)) { RequestedAt = finished.AddSeconds(-5) };
        await Records.SaveAsync(new SyncRecord(id, state, request)
        {
            StartedAt = state == SyncState.Queued ? null : finished.AddSeconds(-4),
            FinishedAt = state is SyncState.Queued or SyncState.Running ? null : finished,
        });
        return id;
    }

    public Task AppliedAsync(string reference, int commit) =>
        Store.WriteAsync(StateKey.Of("applied", "acme/app", reference), Encoding.UTF8.GetBytes(Commit(commit)));

    public Task BaselineAsync(string syncId, string destination) =>
        Store.WriteAsync(BaselineStore.KeyOf("cache", destination, "app", "config/app.yaml"),
            StateJson.Serialize(new AppliedBaseline("cache", destination, "app", "config/app.yaml", "production") { ContentHash = "h", SyncId = syncId }));

    public Task DriftReportAsync(string healSyncId, string destination) =>
        new DriftReportStore(Store).SaveAsync(new DriftReport("cache", destination, "app", "config/app.yaml", "production", DriftState.Healed, Start) { HealSyncId = healSyncId });

    public Task DeliveryAsync(string id) =>
        Store.TryCreateAsync(StateKey.Of("deliveries", "github", id), Encoding.UTF8.GetBytes("{\"platform\":\"github\",\"sync_ids\":[]}"));

    public Task SnapshotAsync(string syncId, string destination) =>
        Store.WriteAsync(StateKey.Of("snapshots", syncId, "app:config/app.yaml", "cache", destination), Encoding.UTF8.GetBytes("{\"values\":{}}"));

    public async Task<IReadOnlyList<string>> SyncIdsLeftAsync() =>
        (await Store.ListAsync("syncs")).Select(k => k.Split('/')[1]).Order(StringComparer.Ordinal).ToList();
}

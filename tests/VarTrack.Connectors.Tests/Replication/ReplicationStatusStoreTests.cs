using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.Replication;

public sealed class ReplicationStatusStoreTests
{
    private static OwnerCycle Cycle(string owner, int n, CycleOutcome outcome, int paths = 10, int pending = 0) =>
        new(owner, $"c{n}", outcome)
        {
            Started = DateTimeOffset.UnixEpoch.AddMinutes(n),
            Finished = DateTimeOffset.UnixEpoch.AddMinutes(n).AddSeconds(5),
            Paths = paths,
            Pending = pending,
            Errors = pending > 0 ? [$"{owner}: copy x -> x: vault returned 500"] : [],
        };

    [Fact]
    public async Task Keeps_the_last_cycle_the_last_good_one_and_a_bounded_history_per_owner()
    {
        var state = new InMemoryStateStore();
        var store = new ReplicationStatusStore(state);
        for (var n = 1; n <= ReplicationStatusStore.Keep + 5; n++) await store.RecordAsync(Cycle("destination-eu", n, CycleOutcome.Published));
        await store.RecordAsync(Cycle("destination-eu", 100, CycleOutcome.Failed, pending: 3));
        await store.RecordAsync(Cycle("origin-primary", 100, CycleOutcome.Unchanged));
        await store.RecordAsync(Cycle("destination-asia", 100, CycleOutcome.Published, pending: 2));

        Assert.Equal(["origin-primary", "destination-asia", "destination-eu"], (await store.LastAsync()).Select(c => c.Owner));
        var history = await store.HistoryAsync("destination-eu");
        Assert.Equal(ReplicationStatusStore.Keep, history.Count);
        Assert.Equal(["c100", "c25", "c24"], history.Take(3).Select(c => c.CycleId));

        var statuses = (await store.StatusAsync()).ToDictionary(s => s.Owner);
        var eu = statuses["destination-eu"];
        Assert.Equal((CycleOutcome.Failed, "c25", 10, 3, false), (eu.Last.Outcome, eu.LastSucceeded!.CycleId, eu.PathsInSync, eu.Pending, eu.InSync));
        Assert.Equal(["destination-eu: copy x -> x: vault returned 500"], eu.Errors);
        var asia = statuses["destination-asia"];
        Assert.Equal((8, 2, false), (asia.PathsInSync, asia.Pending, asia.InSync));
        Assert.True(statuses["origin-primary"].IsOrigin);
        Assert.True(statuses["origin-primary"].InSync);
    }
}

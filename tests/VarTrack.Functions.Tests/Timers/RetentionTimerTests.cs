using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Timers;

namespace VarTrack.Functions.Tests.Timers;

/// <summary>The Functions retention timer runs the Core sweep registered by AddVarTrackCore with the state: settings.</summary>
public sealed class RetentionTimerTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task One_tick_prunes_heal_records_past_the_limits_and_old_delivery_ids()
    {
        var clock = new FixedTimeProvider(Start);
        var store = new InMemoryStateStore(clock);
        var records = new SyncRecordStore(store);
        var ids = new List<string>();
        for (var n = 0; n < 8; n++)
        {
            clock.Now = Start.AddMinutes(n);
            var id = SyncIds.For("heal:x", "heal", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await records.SaveAsync(new SyncRecord(id, SyncState.Succeeded, new SyncRequest(id, "", "", "", "") { Trigger = "heal", RequestedAt = clock.Now }) { FinishedAt = clock.Now });
            ids.Add(id);
        }
        await store.TryCreateAsync(StateKey.Of("deliveries", "github", "d-1"), "{}"u8.ToArray());
        clock.Now = Start.AddDays(10);
        var config = VarTrackConfigLoader.Parse("version: 1\nstate: { keep_syncs: 3, keep_sync_days: 0, keep_delivery_days: 7 }\n", "vartrack.yaml", Path.GetTempPath());
        var services = new ServiceCollection().AddSingleton<IStateStore>(store).AddSingleton<TimeProvider>(clock).AddVarTrackCore(config).BuildServiceProvider();
        var timer = new RetentionTimer(services.GetRequiredService<RetentionSweep>());

        await timer.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(ids[5..].Order(StringComparer.Ordinal), (await store.ListAsync("syncs")).Select(k => k.Split('/')[1]).Order(StringComparer.Ordinal));
        Assert.Empty(await store.ListAsync("deliveries"));
        Assert.Equal("0 17 * * * *", RetentionTimer.Schedule);
    }
}

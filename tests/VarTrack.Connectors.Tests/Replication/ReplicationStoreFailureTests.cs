using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// The sync info store failing under a running replication: an outage (503, network, timeout) fails the cycle and the
/// next cycle goes on by itself; refused access is fatal. Nothing is published or deleted either way.
/// </summary>
public sealed class ReplicationStoreFailureTests
{
    private const string Outage = "cannot read the sync info index 'vartrack-vault-sync/origin-primary/index.json': storage answered 503 ServerBusy";

    private static async Task<(ReplicationRig Rig, FaultySyncInfoStore Store)> SyncedAsync()
    {
        var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", "delete_mode: soft\nmax_delete_ratio: 1"));
        var store = new FaultySyncInfoStore(rig.Store);
        rig.UseStore(store);
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"p{i}"));
        Assert.Equal(CycleOutcome.Published, (await rig.RunAsync()).Origin.Outcome);
        return (rig, store);
    }

    [Fact]
    public async Task A_store_outage_fails_the_cycle_without_stopping_replication_and_the_next_cycle_goes_on()
    {
        var (rig, store) = await SyncedAsync();
        await using var _ = rig;
        var originTag = await rig.IndexTagAsync("origin-primary");
        await rig.Client("origin").DeleteMetadataAsync("secret", "stage/app0");
        await rig.WriteAsync("origin", "secret/stage/app1", ("password", "rotated"));
        store.Fault = () => new SyncInfoStoreException(Outage);

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal("origin-primary: " + Outage, Assert.Single(result.Origin.Errors));
        var eu = Assert.Single(result.Destinations);
        Assert.Equal(CycleOutcome.Failed, eu.Outcome);
        Assert.Equal("destination-eu: " + Outage, Assert.Single(eu.Errors));
        Assert.True(store.Faults > 0);
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal("p1", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);

        store.Fault = null;
        var healed = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, healed.Origin.Outcome);
        Assert.NotEqual(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal((CycleOutcome.Published, 1, 1), (healed.Destinations[0].Outcome, healed.Destinations[0].Copied, healed.Destinations[0].Deleted));
        Assert.Equal("rotated", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);
    }

    [Fact]
    public async Task A_store_failing_only_on_publish_fails_the_cycle_and_publishes_nothing()
    {
        var (rig, store) = await SyncedAsync();
        await using var _ = rig;
        var originTag = await rig.IndexTagAsync("origin-primary");
        await rig.WriteAsync("origin", "secret/stage/app1", ("password", "rotated"));
        store.Failing = operation => operation == nameof(ISyncInfoStore.WriteIndexAsync);
        store.Fault = () => new SyncInfoStoreException("cannot publish the sync info index 'x': timed out talking to http://127.0.0.1:10000/devstoreaccount1");

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(result.Destinations).Outcome);
        Assert.Equal("p1", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);
    }

    [Fact]
    public async Task A_store_that_refuses_access_is_fatal()
    {
        var (rig, store) = await SyncedAsync();
        await using var _ = rig;
        const string denied = "cannot read the sync info index 'vartrack/vault-sync/origin-primary/index.json': access refused by consul at http://127.0.0.1:8500 (403: Permission denied)";
        store.Fault = () => new SyncInfoStoreException(denied, isAccessDenied: true);

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Fatal, result.Origin.Outcome);
        Assert.Equal("origin-primary: " + denied, Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
    }
    [Fact]
    public async Task A_state_store_outage_in_the_work_area_fails_the_cycle_without_stopping_replication()
    {
        var (rig, _) = await SyncedAsync();
        await using var __ = rig;
        var originTag = await rig.IndexTagAsync("origin-primary");
        await rig.WriteAsync("origin", "secret/stage/app1", ("password", "rotated"));
        const string outage = "cannot write state blob 'vartrack-state/vault-replication-work/x': storage answered 503 ServerBusy";
        // Only the work area: the status records still land, as they would when only some requests fail.
        rig.State.Failing = key => key.StartsWith("vault-replication-work", StringComparison.Ordinal);
        rig.State.Fault = () => new StateStoreUnavailableException(new Problem(outage));

        var result = await rig.RunAsync();

        // Before, the state store's VarTrackException read as a bad setting: fatal, and the gate then stopped every later cycle.
        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal("origin-primary: " + outage, Assert.Single(result.Origin.Errors));
        // A failed (not fatal) origin cycle still lets destinations catch up with the last good index: nothing new.
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(result.Destinations).Outcome);
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal(CycleOutcome.Failed, (await rig.Status.LastAsync()).Single(c => c.Owner == "origin-primary").Outcome);
        Assert.True(rig.State.Faults > 0);

        rig.State.Fault = null;
        var healed = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, healed.Origin.Outcome);
        Assert.Equal((CycleOutcome.Published, 1), (healed.Destinations[0].Outcome, healed.Destinations[0].Copied));
        Assert.Equal("rotated", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);
    }

    [Fact]
    public async Task A_state_store_that_refuses_access_is_fatal()
    {
        var (rig, _) = await SyncedAsync();
        await using var __ = rig;
        const string denied = "cannot write state blob 'vartrack-state/vault-replication-work/x': access refused by the storage account at http://127.0.0.1:10000/devstoreaccount1 (403 AuthorizationFailure); check the account key or SAS in 'connection'";
        rig.State.Failing = key => key.StartsWith("vault-replication-work", StringComparison.Ordinal);
        rig.State.Fault = () => new StateStoreUnavailableException(new Problem(denied)) { IsAccessDenied = true };

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Fatal, result.Origin.Outcome);
        Assert.Equal("origin-primary: " + denied, Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
    }

    [Fact]
    public async Task Shutdown_during_the_clean_up_after_a_publish_still_reports_the_saved_index_as_published()
    {
        var (rig, store) = await SyncedAsync();
        await using var _ = rig;
        await rig.WriteAsync("origin", "secret/stage/app1", ("password", "rotated"));
        using var host = new CancellationTokenSource();
        store.Before = async operation =>
        {
            if (operation != nameof(ISyncInfoStore.ListGenerationsAsync)) return;
            await host.CancelAsync();
            host.Token.ThrowIfCancellationRequested();
        };

        var result = await rig.RunAsync(new ReplicationCycleRequest("stopping"), rig.StepsFor(host.Token));

        Assert.Equal(CycleOutcome.Published, result.Origin.Outcome);
        Assert.Empty(result.Origin.Errors);
        Assert.Equal(result.Origin.Generation, (await rig.IndexAsync("origin-primary"))!.Generation);
        Assert.Equal(CycleOutcome.Published, (await rig.Status.LastAsync()).Single(c => c.Owner == "origin-primary").Outcome);
    }
}

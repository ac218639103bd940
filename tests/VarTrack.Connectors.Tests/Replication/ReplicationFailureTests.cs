using VarTrack.Connectors.Tests.Workflows;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// Never fail open: reads and lists that fail, secrets vanishing mid-cycle, bad credentials and missing permissions,
/// per-path write failures, timeouts and shutdown. None may publish partial sync info or delete at a destination.
/// </summary>
public sealed class ReplicationFailureTests
{
    private const string Secret = "Walrus-Cobalt-3301-do-not-leak";

    private static async Task<ReplicationRig> SyncedAsync(string settings = "", string extra = "delete_mode: soft\nmax_delete_ratio: 1")
    {
        var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", extra), settings);
        for (var i = 0; i < 5; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        var first = await rig.RunAsync();
        Assert.Equal(CycleOutcome.Published, Assert.Single(first.Destinations).Outcome);
        return rig;
    }

    [Fact]
    public async Task A_failing_metadata_read_fails_the_origin_cycle_keeps_the_last_good_sync_info_and_deletes_nothing()
    {
        await using var rig = await SyncedAsync();
        var originTag = await rig.IndexTagAsync("origin-primary");
        var euTag = await rig.IndexTagAsync("destination-eu");
        await rig.Client("origin").DeleteMetadataAsync("secret", "stage/app0");
        rig.Origin.InjectFault("secret/metadata/stage/app3", 500, "internal error");
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal($"origin-primary: origin 'primary' at {rig.Origin.Address.ToString().TrimEnd('/')}: vault returned 500 for secret/metadata/stage/app3: internal error",
            Assert.Single(result.Origin.Errors));
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        // The destination follows the last good origin index, which still has app0: nothing is deleted.
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(result.Destinations).Outcome);
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal(euTag, await rig.IndexTagAsync("destination-eu"));
        Assert.Equal($"{Secret}-0", (await rig.ReadAsync("eu", "secret/stage/app0"))!["password"]);
        Assert.Contains(rig.Logs.Lines, line => line.Contains("cannot read the metadata of secret/stage/app3", StringComparison.Ordinal) && line.Contains("Status=500", StringComparison.Ordinal));

        rig.Origin.ClearFaults();
        var healed = await rig.RunAsync();
        Assert.Equal(CycleOutcome.Published, healed.Origin.Outcome);
        Assert.Equal(1, Assert.Single(healed.Destinations).Deleted);
        await rig.AssertNoLeaksAsync(Secret);
    }

    [Fact]
    public async Task A_folder_that_cannot_be_listed_fails_the_cycle_instead_of_looking_empty()
    {
        await using var rig = await SyncedAsync();
        var originTag = await rig.IndexTagAsync("origin-primary");
        rig.Origin.InjectFault("secret/metadata/stage", 503, "vault is sealed");
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Contains("vault returned 503 for secret/metadata/stage: vault is sealed", Assert.Single(result.Origin.Errors));
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal(5, rig.Destinations["eu"].SecretCount());
    }

    [Fact]
    public async Task A_secret_deleted_between_listing_and_reading_is_left_out_and_picked_up_when_it_is_back()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        // Vault answers {"errors":[]} with 404 for a key that is not there (any more).
        rig.Origin.InjectFault("secret/metadata/stage/app1", 404, error: "", times: 1);

        var result = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, 2), (result.Origin.Outcome, result.Origin.Paths));
        Assert.Equal(2, Assert.Single(result.Destinations).Copied);
        Assert.Null(await rig.MetadataAsync("eu", "secret/stage/app1"));

        var next = await rig.RunAsync();
        Assert.Equal((CycleOutcome.Published, 3), (next.Origin.Outcome, next.Origin.Paths));
        Assert.Equal(1, Assert.Single(next.Destinations).Copied);
        Assert.Equal($"{Secret}-1", (await rig.ReadAsync("eu", "secret/stage/app1"))!["password"]);
    }

    [Fact]
    public async Task A_secret_deleted_after_planning_is_skipped_and_handled_next_cycle()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        await rig.WriteAsync("origin", "secret/stage/app0", ("password", Secret));
        await rig.WriteAsync("origin", "secret/stage/app1", ("password", Secret + "1"));
        rig.Origin.InjectFault("secret/data/stage/app1", 404, error: "", times: 1);

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 1, 1), (eu.Outcome, eu.Copied, eu.Pending));
        Assert.Empty(eu.Errors);
        var next = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal((CycleOutcome.Published, 1, 0), (next.Outcome, next.Copied, next.Pending));
    }

    [Fact]
    public async Task A_failed_write_at_the_destination_is_reported_with_its_path_and_retried_next_cycle()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 4; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        rig.Destinations["eu"].InjectFault("secret/data/stage/app2", 500, "storage backend timeout", times: 1);

        var first = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 3, 1), (first.Outcome, first.Copied, first.Pending));
        var address = rig.Destinations["eu"].Address.ToString().TrimEnd('/');
        Assert.Equal($"destination-eu: copy secret/stage/app2 -> secret/stage/app2: destination 'eu' at {address}: vault returned 500 for secret/data/stage/app2: storage backend timeout",
            Assert.Single(first.Errors));
        Assert.Null(await rig.MetadataAsync("eu", "secret/stage/app2"));
        Assert.Contains(rig.Logs.Lines, line => line.Contains("Path=secret/stage/app2", StringComparison.Ordinal) && line.Contains("Status=500", StringComparison.Ordinal)
                                                && line.Contains("Owner=destination-eu", StringComparison.Ordinal));
        var status = (await rig.Status.StatusAsync()).Single(s => s.Owner == "destination-eu");
        Assert.Equal((3, 1, false), (status.PathsInSync, status.Pending, status.InSync));

        rig.Origin.ResetCounters();
        rig.Destinations["eu"].ResetCounters();
        var second = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal((CycleOutcome.Published, 1, 0), (second.Outcome, second.Copied, second.Pending));
        Assert.Equal(1, rig.Origin.DataReads);
        Assert.Equal(1, rig.Destinations["eu"].DataWrites);
        Assert.Equal($"{Secret}-2", (await rig.ReadAsync("eu", "secret/stage/app2"))!["password"]);
        status = (await rig.Status.StatusAsync()).Single(s => s.Owner == "destination-eu");
        Assert.Equal((4, 0, true), (status.PathsInSync, status.Pending, status.InSync));
        await rig.AssertNoLeaksAsync(Secret);
    }

    [Fact]
    public async Task A_rejected_origin_token_is_fatal_names_the_cluster_and_stops_before_any_destination()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        await rig.WriteAsync("origin", "secret/stage/app0", ("password", Secret));
        rig.Environment["ORIGIN_TOKEN"] = "hvs.revoked-token-value-1234";

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Fatal, result.Origin.Outcome);
        Assert.Equal($"origin-primary: origin 'primary' at {rig.Origin.Address.ToString().TrimEnd('/')}: vault returned 403 for secret/metadata: permission denied",
            Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
        Assert.Null(await rig.IndexAsync("origin-primary"));
        await rig.AssertNoLeaksAsync(Secret, "hvs.revoked-token-value-1234");
    }

    [Fact]
    public async Task A_destination_token_without_write_permission_is_fatal_and_publishes_nothing()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        rig.Environment["EU_TOKEN"] = rig.Destinations["eu"].CreateToken(("secret/data/*", ["read"]), ("secret/metadata/*", ["read", "list"]));

        var eu = Assert.Single((await rig.RunAsync()).Destinations);

        Assert.Equal(CycleOutcome.Fatal, eu.Outcome);
        var error = Assert.Single(eu.Errors);
        Assert.StartsWith($"destination-eu: destination 'eu' at {rig.Destinations["eu"].Address.ToString().TrimEnd('/')}: vault returned 403 for secret/data/stage/app", error);
        Assert.EndsWith(": permission denied", error);
        Assert.Null(await rig.IndexAsync("destination-eu"));
        Assert.Equal(0, rig.Destinations["eu"].SecretCount());
        await rig.AssertNoLeaksAsync(Secret);
    }

    [Fact]
    public async Task A_cycle_that_runs_past_its_timeout_is_abandoned_publishes_nothing_and_the_next_cycle_works()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        // Far longer than the generous bound below: a cycle that waited for this request would never finish in time.
        rig.Origin.InjectDelay("secret/metadata/stage/app1", TimeSpan.FromMinutes(10));

        var result = await rig.RunAsync(new ReplicationCycleRequest("slow") { Timeout = TimeSpan.FromSeconds(1) }).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(CycleOutcome.Abandoned, result.Origin.Outcome);
        Assert.Equal("origin-primary: the cycle did not finish within 1 s; abandoned, nothing was published (the last good sync info stands)", Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
        Assert.Null(await rig.IndexAsync("origin-primary"));
        Assert.Equal(CycleOutcome.Abandoned, (await rig.Status.LastAsync()).Single().Outcome);

        rig.Origin.ClearFaults();
        var next = await rig.RunAsync();
        Assert.Equal(CycleOutcome.Published, next.Origin.Outcome);
        Assert.Equal(3, Assert.Single(next.Destinations).Copied);
    }

    [Fact]
    public async Task A_destination_cycle_past_its_timeout_is_abandoned_without_saving_its_sync_info()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        await rig.RunAsync(new ReplicationCycleRequest("origin-first") { OriginOnly = true });
        rig.Origin.InjectDelay("secret/data/stage/app2", TimeSpan.FromSeconds(30));

        // The timeout applies to the origin's cycle too, which must end unchanged first: 5 s, not 1 s, so a loaded
        // machine cannot abandon the origin as well; the copy waits far longer than that.
        var result = await rig.RunAsync(new ReplicationCycleRequest("slow-copy") { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(CycleOutcome.Unchanged, result.Origin.Outcome);
        Assert.Equal(CycleOutcome.Abandoned, Assert.Single(result.Destinations).Outcome);
        Assert.Null(await rig.IndexAsync("destination-eu"));

        rig.Origin.ClearFaults();
        var next = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal((CycleOutcome.Published, 3), (next.Outcome, next.Copied));
    }

    [Fact]
    public async Task Stopping_the_host_ends_the_cycle_as_stopped_with_no_partial_save()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 3; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        rig.Origin.InjectDelay("secret/metadata/stage/app1", TimeSpan.FromMinutes(10));
        using var host = new CancellationTokenSource();

        var running = rig.RunAsync(new ReplicationCycleRequest("stopping"), rig.StepsFor(host.Token));
        // Stop once the scan is under way (app0 is read before the slow app1), not after some guessed time.
        await WaitUntilAsync(() => rig.Origin.MetadataReads >= 1).WaitAsync(TimeSpan.FromMinutes(1));
        await host.CancelAsync();
        var result = await running.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(CycleOutcome.Stopped, result.Origin.Outcome);
        Assert.Equal("origin-primary: stopped because the host is shutting down; nothing was published", Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
        Assert.Null(await rig.IndexAsync("origin-primary"));
        // Recording the outcome is clean-up, which runs even while the host stops.
        Assert.Equal(CycleOutcome.Stopped, (await rig.Status.LastAsync()).Single().Outcome);
    }
    [Fact]
    public async Task A_lock_that_cannot_be_taken_fails_the_run_is_recorded_and_the_next_run_works()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        await rig.WriteAsync("origin", "secret/stage/app0", ("password", Secret));
        const string reason = "lock blob 'vartrack-locks/5d1e' for 'vault-replication/destination-eu': storage answered 503 ServerBusy";
        var broken = new RecordingSteps(new InProcessWorkflowSteps(rig.Table, new BrokenLocks(reason), TimeProvider.System));

        var result = await rig.RunAsync(new ReplicationCycleRequest("no-lock"), broken);

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal($"origin-primary: cannot take the replication lock; nothing was done: {reason}", Assert.Single(result.Origin.Errors));
        Assert.Empty(result.Destinations);
        Assert.Equal(CycleOutcome.Failed, (await rig.Status.LastAsync()).Single().Outcome);
        Assert.Null(await rig.IndexAsync("origin-primary"));

        var next = await rig.RunAsync();
        Assert.Equal(CycleOutcome.Published, next.Origin.Outcome);
        Assert.Equal(1, Assert.Single(next.Destinations).Copied);
    }

    private sealed class BrokenLocks(string reason) : IDestinationLocks
    {
        public Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken = default) =>
            Task.FromException<IAsyncDisposable>(new VarTrackException(new Problem(reason)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition()) await Task.Delay(20);
    }
}

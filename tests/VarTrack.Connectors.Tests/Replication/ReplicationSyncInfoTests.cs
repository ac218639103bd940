using VarTrack.Core.State;
using System.Text;
using VarTrack.Connectors.Tests.Workflows;
using VarTrack.Core.Replication;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>The sync info layout as cycles leave it: generations reused, kept and collected; what the documents hold.</summary>
public sealed class ReplicationSyncInfoTests
{
    [Fact]
    public async Task Unchanged_buckets_keep_their_generation_and_only_the_current_and_previous_generations_survive()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 8");
        for (var i = 0; i < 40; i++) await rig.WriteAsync("origin", $"secret/app/s{i}", ("v", $"{i}"));
        var indexes = new List<SyncIndex>();
        for (var round = 0; round < 4; round++)
        {
            await rig.WriteAsync("origin", $"secret/app/s{round}", ("v", $"changed-{round}"));
            await rig.RunAsync();
            indexes.Add((await rig.IndexAsync("origin-primary"))!);
        }

        var last = indexes[^1];
        var previous = indexes[^2];
        var changedBucket = SyncInfoJson.BucketOf("secret/app/s3", 8);
        Assert.Equal(last.Generation, last.Bucket(changedBucket)!.Generation);
        Assert.Contains(last.Buckets, b => b.Bucket != changedBucket && b.Generation != last.Generation);
        Assert.All(last.Buckets.Where(b => b.Generation != last.Generation), b => Assert.Equal(previous.Bucket(b.Bucket)!.Hash, b.Hash));
        Assert.Equal(last.Generations.Union(previous.Generations).Order(), (await rig.Store.ListGenerationsAsync("origin-primary")).Order());
        Assert.Equal(40, last.PathCount);
        Assert.Equal(indexes[^1].Generation, (await rig.IndexAsync("destination-eu"))!.SourceGeneration);
    }

    [Fact]
    public async Task A_failed_cycle_leaves_its_staged_buckets_unpublished_and_the_next_publish_collects_them()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 4");
        for (var i = 0; i < 1500; i++) rig.Origin.Seed("secret", $"app/s{i}", new Dictionary<string, string> { ["v"] = $"{i}" });
        await rig.RunAsync();
        var good = (await rig.IndexAsync("origin-primary"))!;
        var goodTag = await rig.IndexTagAsync("origin-primary");
        // With 1500 paths in 4 buckets the scan runs in two groups; the first stages its changed buckets, the second fails.
        for (var i = 0; i < 1500; i++) rig.Origin.Seed("secret", $"app/s{i}", new Dictionary<string, string> { ["v"] = $"{i}-2" });
        var late = Enumerable.Range(0, 1500).Select(i => $"app/s{i}").First(p => SyncInfoJson.BucketOf("secret/" + p, 4) == 3);
        rig.Origin.InjectFault($"secret/metadata/{late}", 502, "bad gateway");

        var failed = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, failed.Origin.Outcome);
        Assert.Equal(goodTag, await rig.IndexTagAsync("origin-primary"));
        var generations = await rig.Store.ListGenerationsAsync("origin-primary");
        var orphan = Assert.Single(generations, g => g != good.Generation);

        rig.Origin.ClearFaults();
        // Only a generation older than twice the timeout is an orphan (a younger one may be another cycle's staging).
        rig.Clock.Shift(TimeSpan.FromMinutes(11));
        var healed = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, healed.Origin.Outcome);
        Assert.DoesNotContain(orphan, await rig.Store.ListGenerationsAsync("origin-primary"));
        Assert.Equal(1500, Assert.Single(healed.Destinations).Copied);
    }

    [Fact]
    public async Task Bucket_documents_hold_metadata_only_and_the_work_area_is_cleared_after_each_cycle()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 2");
        await rig.WriteAsync("origin", "secret/app/a", ("password", "Otter-Anvil-7788-do-not-leak"));
        await rig.Client("origin").DeleteLatestAsync("secret", "app/a");
        await rig.WriteAsync("origin", "secret/app/b", ("password", "Otter-Anvil-7788-do-not-leak"));

        await rig.RunAsync();

        var index = (await rig.IndexAsync("origin-primary"))!;
        var documents = new List<string>();
        foreach (var bucket in index.Buckets)
            documents.Add(Encoding.UTF8.GetString((await rig.Store.ReadBucketAsync("origin-primary", bucket.Generation, bucket.Bucket))!));
        var all = string.Join("\n", documents);
        Assert.Contains("\"secret/app/a\":{\"state\":\"deleted\",", all);
        Assert.Contains("\"secret/app/b\":{\"state\":\"active\",", all);
        Assert.Empty(await rig.State.ListAsync("vault-replication-work"));
        await rig.AssertNoLeaksAsync("Otter-Anvil-7788-do-not-leak");
    }

    [Fact]
    public async Task Changing_the_bucket_count_rebuilds_the_indexes_without_copying_or_deleting_anything()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 4");
        for (var i = 0; i < 30; i++) await rig.WriteAsync("origin", $"secret/app/s{i}", ("v", $"{i}"));
        await rig.RunAsync();
        var table = new ActivityTable();
        new ReplicationActivities(rig.Settings with { Buckets = 16 }, rig.Vaults, rig.Store, rig.State, rig.Status).AddTo(table);
        var steps = new RecordingSteps(new InProcessWorkflowSteps(table, new InProcessDestinationLocks(), TimeProvider.System));
        rig.Destinations["eu"].ResetCounters();

        var result = await ReplicationWorkflow.RunAsync(steps, new ReplicationCycleRequest("rebucketed"));

        Assert.Equal((CycleOutcome.Published, 30), (result.Origin.Outcome, result.Origin.Paths));
        var eu = Assert.Single(result.Destinations);
        Assert.Equal((CycleOutcome.Published, 0, 0, 0), (eu.Outcome, eu.Copied, eu.Deleted, eu.Changed));
        Assert.Equal((0, 0), (rig.Destinations["eu"].DataWrites, rig.Destinations["eu"].Deletes));
        Assert.Equal((16, 30), ((await rig.IndexAsync("destination-eu"))!.BucketCount, (await rig.IndexAsync("destination-eu"))!.PathCount));
        var again = await ReplicationWorkflow.RunAsync(steps, new ReplicationCycleRequest("rebucketed-2"));
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(again.Destinations).Outcome);
    }

    [Fact]
    public async Task A_corrupt_own_index_is_rebuilt_by_the_next_cycle()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        for (var i = 0; i < 5; i++) await rig.WriteAsync("origin", $"secret/app/s{i}", ("v", $"{i}"));
        await rig.RunAsync();
        await rig.State.WriteAsync("vault-sync/origin-primary/index.2Ejson", "{\"schema_version\":1,\"torn"u8.ToArray());
        await rig.State.WriteAsync("vault-sync/destination-eu/index.2Ejson", "not json"u8.ToArray());
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, 5), (result.Origin.Outcome, result.Origin.Paths));
        var eu = Assert.Single(result.Destinations);
        // With its records unreadable the destination copies again (never deletes) and records afresh.
        Assert.Equal((CycleOutcome.Published, 5, 0), (eu.Outcome, eu.Copied, rig.Destinations["eu"].Deletes));
        Assert.Contains(rig.Logs.Lines, l => l.Contains("the sync info index of origin-primary in the state store is corrupt", StringComparison.Ordinal) && l.Contains("rebuilding it", StringComparison.Ordinal));
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single((await rig.RunAsync()).Destinations).Outcome);
    }

    [Fact]
    public async Task An_index_of_a_newer_schema_stops_the_cycle_instead_of_being_overwritten()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"));
        await rig.WriteAsync("origin", "secret/app/s", ("v", "1"));
        var newer = """{"algorithm":"sha256","bucket_count":1,"buckets":[],"created":"2030-01-01T00:00:00.0000000Z","generation":"aaaaaaaaaaaaaaaaaaaaaaaa","path_count":0,"schema_version":2}"""u8.ToArray();
        await rig.State.WriteAsync("vault-sync/origin-primary/index.2Ejson", newer);

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Fatal, result.Origin.Outcome);
        Assert.Equal("origin-primary: the sync info index of origin-primary in the state store has schema_version 2; this VarTrack reads schema_version 1 (was it written by a newer VarTrack?)",
            Assert.Single(result.Origin.Errors));
        Assert.Equal(newer, await rig.State.ReadAsync("vault-sync/origin-primary/index.2Ejson"));
    }
    private static (string A, string B) TwoBuckets(int buckets)
    {
        const string a = "secret/app/a";
        var b = Enumerable.Range(0, 100).Select(i => $"secret/app/b{i}").First(p => SyncInfoJson.BucketOf(p, buckets) != SyncInfoJson.BucketOf(a, buckets));
        return (a, b);
    }

    [Fact]
    public async Task A_clean_up_racing_a_later_publish_keeps_the_buckets_that_publish_staged()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 4");
        var (a, b) = TwoBuckets(4);
        await rig.WriteAsync("origin", a, ("v", "a1"));
        await rig.WriteAsync("origin", b, ("v", "b1"));
        await rig.RunAsync();

        // Another process (its own work area, the same sync info) publishes first; its clean-up is held until this
        // process has staged and published a generation of its own on top.
        var atCleanUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherStore = new FaultySyncInfoStore(rig.Store)
        {
            Before = async operation =>
            {
                if (operation != nameof(ISyncInfoStore.ListGenerationsAsync)) return;
                atCleanUp.TrySetResult();
                await release.Task;
            },
        };
        var otherTable = new ActivityTable();
        new ReplicationActivities(rig.Settings, rig.Vaults, otherStore, new InMemoryStateStore(), rig.Status, rig.Clock).AddTo(otherTable);
        await rig.WriteAsync("origin", a, ("v", "a2"));
        var other = ReplicationWorkflow.RunAsync(new InProcessWorkflowSteps(otherTable, new InProcessDestinationLocks(), rig.Clock), new ReplicationCycleRequest("other") { OriginOnly = true });
        await atCleanUp.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await rig.WriteAsync("origin", b, ("v", "b2"));
        var mine = await rig.RunAsync(new ReplicationCycleRequest("mine") { OriginOnly = true });
        release.SetResult();
        var theirs = await other;

        Assert.Equal((CycleOutcome.Published, CycleOutcome.Published), (theirs.Origin.Outcome, mine.Origin.Outcome));
        var index = (await rig.IndexAsync("origin-primary"))!;
        Assert.Equal(mine.Origin.Generation, index.Generation);
        foreach (var entry in index.Buckets)
            Assert.NotNull(await rig.Store.ReadBucketAsync("origin-primary", entry.Generation, entry.Bucket));
        var eu = Assert.Single((await rig.RunAsync()).Destinations);
        Assert.Equal((CycleOutcome.Published, 2), (eu.Outcome, eu.Copied));
        Assert.Equal(("a2", "b2"), ((await rig.ReadAsync("eu", a))!["v"], (await rig.ReadAsync("eu", b))!["v"]));
    }

    [Fact]
    public async Task A_reused_bucket_whose_document_is_gone_is_written_again_by_the_next_publish()
    {
        await using var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu"), "  buckets: 4");
        var (a, b) = TwoBuckets(4);
        await rig.WriteAsync("origin", a, ("v", "a1"));
        await rig.WriteAsync("origin", b, ("v", "b1"));
        await rig.RunAsync();
        var first = (await rig.IndexAsync("origin-primary"))!;
        var lost = first.Bucket(SyncInfoJson.BucketOf(a, 4))!;
        var key = StateKey.Of("vault-sync", "origin-primary", "generations", lost.Generation, SyncInfoLayout.BucketName(lost.Bucket));
        Assert.NotNull(await rig.State.ReadAsync(key));
        await rig.State.DeleteAsync(key);
        await rig.WriteAsync("origin", b, ("v", "b2"));

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Published, result.Origin.Outcome);
        var index = (await rig.IndexAsync("origin-primary"))!;
        Assert.Equal((lost.Hash, result.Origin.Generation), (index.Bucket(lost.Bucket)!.Hash, index.Bucket(lost.Bucket)!.Generation));
        foreach (var entry in index.Buckets)
            Assert.NotNull(await rig.Store.ReadBucketAsync("origin-primary", entry.Generation, entry.Bucket));
        var eu = Assert.Single(result.Destinations);
        Assert.Equal((CycleOutcome.Published, 1), (eu.Outcome, eu.Copied));
        Assert.Equal("b2", (await rig.ReadAsync("eu", b))!["v"]);
    }
}

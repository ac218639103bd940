using System.Text;
using VarTrack.Core.Replication;

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
}

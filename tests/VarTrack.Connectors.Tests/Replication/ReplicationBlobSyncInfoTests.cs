using Azure.Storage.Blobs;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>
/// The key workflow scenarios with the sync info in real Azurite Blob storage (<see cref="BlobSyncInfoStore"/>, one
/// container per test, deleted after) instead of memory: first sync, a failing read deletes nothing, an unchanged
/// cycle reads no secret and publishes nothing.
/// </summary>
public sealed class ReplicationBlobSyncInfoTests : IAsyncLifetime
{
    private const string Secret = "Otter-Basalt-5120-do-not-leak";
    private readonly string _container = "vt-wf-" + Guid.NewGuid().ToString("N");

    public Task InitializeAsync()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await new BlobContainerClient(TestServices.AzureStorage, _container).DeleteIfExistsAsync();

    private async Task<ReplicationRig> SyncedAsync()
    {
        var rig = await ReplicationRig.StartAsync(ReplicationRig.Destination("eu", "delete_mode: soft\nmax_delete_ratio: 1"));
        rig.UseStore(BlobSyncInfoStore.Create(TestServices.AzureStorage, _container));
        for (var i = 0; i < 5; i++) await rig.WriteAsync("origin", $"secret/stage/app{i}", ("password", $"{Secret}-{i}"));
        return rig;
    }

    [Fact]
    public async Task A_first_cycle_publishes_both_indexes_as_blobs_and_copies_every_secret()
    {
        await using var rig = await SyncedAsync();

        var result = await rig.RunAsync();

        Assert.Equal((CycleOutcome.Published, 5), (result.Origin.Outcome, result.Origin.Paths));
        Assert.Equal((CycleOutcome.Published, 5, 0), (result.Destinations[0].Outcome, result.Destinations[0].Copied, result.Destinations[0].Pending));
        Assert.Equal($"{Secret}-3", (await rig.ReadAsync("eu", "secret/stage/app3"))!["password"]);
        var container = new BlobContainerClient(TestServices.AzureStorage, _container);
        Assert.True((await container.GetBlobClient(BlobSyncInfoStore.IndexBlobName("origin-primary")).ExistsAsync()).Value);
        Assert.True((await container.GetBlobClient(BlobSyncInfoStore.IndexBlobName("destination-eu")).ExistsAsync()).Value);
        var index = (await rig.IndexAsync("destination-eu"))!;
        Assert.Equal((5, result.Origin.Generation), (index.PathCount, index.SourceGeneration));
        await rig.AssertNoLeaksAsync(Secret);
    }

    [Fact]
    public async Task A_failing_metadata_read_publishes_nothing_and_deletes_nothing()
    {
        await using var rig = await SyncedAsync();
        await rig.RunAsync();
        var originTag = await rig.IndexTagAsync("origin-primary");
        var euTag = await rig.IndexTagAsync("destination-eu");
        await rig.Client("origin").DeleteMetadataAsync("secret", "stage/app0");
        rig.Origin.InjectFault("secret/metadata/stage/app3", 500, "internal error");
        rig.Destinations["eu"].ResetCounters();

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Failed, result.Origin.Outcome);
        Assert.Equal(originTag, await rig.IndexTagAsync("origin-primary"));
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(result.Destinations).Outcome);
        Assert.Equal(euTag, await rig.IndexTagAsync("destination-eu"));
        Assert.Equal(0, rig.Destinations["eu"].Deletes);
        Assert.Equal($"{Secret}-0", (await rig.ReadAsync("eu", "secret/stage/app0"))!["password"]);

        rig.Origin.ClearFaults();
        var healed = await rig.RunAsync();
        Assert.Equal((CycleOutcome.Published, 1), (healed.Destinations[0].Outcome, healed.Destinations[0].Deleted));
    }

    [Fact]
    public async Task An_unchanged_cycle_reads_no_secret_and_publishes_nothing()
    {
        await using var rig = await SyncedAsync();
        await rig.RunAsync();
        var originTag = await rig.IndexTagAsync("origin-primary");
        var euTag = await rig.IndexTagAsync("destination-eu");
        rig.Origin.ResetCounters();
        var euRequests = rig.Destinations["eu"].RequestCount;

        var result = await rig.RunAsync();

        Assert.Equal(CycleOutcome.Unchanged, result.Origin.Outcome);
        Assert.Equal(CycleOutcome.Unchanged, Assert.Single(result.Destinations).Outcome);
        Assert.Equal((0, 0, 5), (rig.Origin.DataReads, rig.Origin.DataWrites, rig.Origin.MetadataReads));
        Assert.Equal(euRequests, rig.Destinations["eu"].RequestCount);
        Assert.Equal((originTag, euTag), (await rig.IndexTagAsync("origin-primary"), await rig.IndexTagAsync("destination-eu")));
    }
}

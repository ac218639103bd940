using Azure.Storage.Blobs;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>A server keeping its state in Azure Blob storage (Azurite), as several instances would, with Blob-lease destination locks.</summary>
public sealed class BlobStateServer : RunningServer
{
    protected override void Configure(ServerOptions options) => options.StateConnection = TestServices.AzureStorage;
}

public sealed class BlobStateTests(BlobStateServer server) : IClassFixture<BlobStateServer>
{
    [Fact]
    public async Task With_blob_state_a_push_lands_and_its_record_and_baseline_live_in_blob_storage()
    {
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "db:\n  host: blob-state\n" });

        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = ["config/app.yaml"] });

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.Equal("blob-state", (await server.RedisValuesAsync(repo))["db.host"]);
        var state = new BlobContainerClient(TestServices.AzureStorage, "vartrack-state");
        Assert.True((await state.GetBlobClient($"syncs/{record.Id}").ExistsAsync()).Value);
        var locks = new BlobContainerClient(TestServices.AzureStorage, "vartrack-locks");
        Assert.True((await locks.ExistsAsync()).Value, "destinations are locked with Blob leases when state is shared");
        Assert.False(Directory.Exists(Path.Combine(server.Folder, "state", "state")), "no local state documents when state is in Blob storage");
    }
}

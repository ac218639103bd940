using System.Net.Http.Json;
using VarTrack.Connectors.LocalState;
using VarTrack.Core.Git;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// A server starting on the state a previous one left: one sync still queued (it never started) and one recorded as
/// running (the previous process died during it).
/// </summary>
public sealed class RestartedServer : RunningServer
{
    public PushedRepository Repository { get; private set; } = null!;
    public string QueuedId { get; private set; } = "";
    public string RunningId { get; private set; } = "";

    protected override void Configure(ServerOptions options)
    {
        Repository = new PushedRepository();
        var (_, after) = Repository.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "db:\n  host: after-restart\n" });
        var records = new SyncRecordStore(new LocalFolderStateStore(Path.Combine(options.StateDirectory, "state")));
        var queued = new SyncRequest(SyncIds.For(Repository.Name, "refs/heads/main", after), Repository.Name, Repository.CloneUrl, "refs/heads/main", after)
        {
            Platform = "github",
            ChangedFiles = [new GitFileChange("config/app.yaml", GitChangeKind.Added)],
        };
        var crashed = queued with { SyncId = SyncIds.For(Repository.Name, "refs/heads/crashed", after), Ref = "refs/heads/crashed" };
        QueuedId = queued.SyncId;
        RunningId = crashed.SyncId;
        Assert.True(records.TryCreateAsync(new SyncRecord(QueuedId, SyncState.Queued, queued)).GetAwaiter().GetResult());
        Assert.True(records.TryCreateAsync(new SyncRecord(RunningId, SyncState.Running, crashed)).GetAwaiter().GetResult());
    }
}

public sealed class RestartTests(RestartedServer server) : IClassFixture<RestartedServer>
{
    [Fact]
    public async Task Queued_syncs_run_after_a_restart_and_a_sync_cut_off_by_a_crash_is_marked_abandoned()
    {
        var queued = await server.WaitForSyncAsync(server.QueuedId);
        var crashed = await server.Http.GetFromJsonAsync<SyncRecord>($"/api/syncs/{server.RunningId}", StateJson.Options);

        Assert.Equal(SyncState.Succeeded, queued.State);
        Assert.Equal("after-restart", (await server.RedisValuesAsync(server.Repository))["db.host"]);
        Assert.Equal(SyncState.Abandoned, crashed!.State);
        Assert.Equal("the server stopped while this sync ran; run it again", crashed.Error);
    }
}

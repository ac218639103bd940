using System.Net;
using System.Net.Sockets;
using VarTrack.Connectors.LocalState;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>Graceful shutdown: a sync that cannot finish within the grace period is cancelled, restores, and is recorded abandoned.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_abandons_a_hung_sync_cleanly_and_records_why()
    {
        // A "Redis" that accepts connections and never answers: the sync hangs in its first read.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await silent.AcceptTcpClientAsync();
                lock (accepted) accepted.Add(client);
            }
        });
        int Accepted()
        {
            lock (accepted) return accepted.Count;
        }
        var folder = Path.Combine(Path.GetTempPath(), "vt-e2e-stop-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var config = Path.Combine(folder, "vartrack.yaml");
            await File.WriteAllTextAsync(config, $$"""
                version: 1
                webhooks:
                  github: { secret: "{{RunningServer.Secret}}" }
                sinks:
                  cache: { type: redis, connection: "127.0.0.1:{{((IPEndPoint)silent.LocalEndpoint).Port}},connectTimeout=60000,syncTimeout=60000,asyncTimeout=60000", destination: "k:{repository}" }
                rules:
                  - name: app
                    repositories: ["e2e/*"]
                    files: ["config/*.yaml"]
                    root_key: null
                    sinks: [cache]
                """);
            var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
            var app = ServerApp.Create(["--urls", url], options =>
            {
                options.ConfigPath = config;
                options.StateDirectory = Path.Combine(folder, "state");
                options.ShutdownGrace = TimeSpan.FromMilliseconds(300);
            });
            await app.StartAsync();
            var repo = new PushedRepository();
            var (before, after) = repo.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "a: 1\n" });
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            using var response = await http.SendAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = ["config/app.yaml"] }.Request(RunningServer.Secret));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = SyncIds.For(repo.Name, "refs/heads/main", after);
            var records = new SyncRecordStore(new LocalFolderStateStore(Path.Combine(folder, "state", "state")));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((await records.GetAsync(id))?.State != SyncState.Running && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(SyncState.Running, (await records.GetAsync(id))!.State);
            // Running is recorded before the commit is resolved (a Git fetch); stopping then would end the sync before
            // it reached the sink, with no file report. Wait until the sink has connected to the silent "Redis".
            while (Accepted() == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(Accepted() > 0, "the sync never connected to the sink");

            var stopping = DateTime.UtcNow;
            await app.StopAsync();
            await app.DisposeAsync();

            Assert.True(DateTime.UtcNow - stopping < TimeSpan.FromSeconds(20), "the server waited for the hung sync instead of abandoning it");
            var record = (await records.GetAsync(id))!;
            Assert.Equal(SyncState.Abandoned, record.State);
            Assert.Contains("the server stopped", record.Error);
            var sink = Assert.Single(Assert.Single(record.Files).Sinks);
            Assert.Equal(Core.Sync.SinkOutcome.Failed, sink.Outcome);
        }
        finally
        {
            silent.Stop();
            lock (accepted) accepted.ForEach(client => client.Dispose());
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

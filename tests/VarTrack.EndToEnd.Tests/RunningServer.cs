using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The real self-hosted server (Kestrel on a free loopback port, its own state folder) configured with one rule that
/// syncs <c>config/*.yaml</c> of any <c>e2e/*</c> repository into Redis, ZooKeeper, Azure Blob (Azurite) and a file,
/// with prune and a self-healing drift watch every second. Readers for every sink assert what actually landed.
/// </summary>
public class RunningServer : IAsyncLifetime
{
    public const string Secret = "e2e-webhook-secret-5b1f0c";
    public const string ApiToken = "e2e-api-token-77aa";
    public const string Container = "vt-e2e";

    private WebApplication? _app;
    private ConnectionMultiplexer? _redis;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vt-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    protected virtual void Configure(ServerOptions options)
    {
    }

    public async Task InitializeAsync()
    {
        TestServices.Require("Redis", TestServices.Redis);
        TestServices.Require("ZooKeeper", TestServices.ZooKeeper);
        TestServices.Require("Azurite", $"127.0.0.1:{TestServices.AzuriteBlobPort}");
        TestServices.Require("the Git HTTP server", TestServices.GitHttp);
        Directory.CreateDirectory(Path.Combine(Folder, "out", "e2e"));
        var config = Path.Combine(Folder, "vartrack.yaml");
        await File.WriteAllTextAsync(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{Secret}}" }
            sinks:
              cache: { type: redis, connection: "{{TestServices.Redis}}", mode: hash, destination: "vt-e2e:{repository}:{env}" }
              coordination: { type: zookeeper, connection: "{{TestServices.ZooKeeper}}", destination: "/vt-e2e/{repository}/{env}" }
              blob: { type: azure_blob, connection: "{{TestServices.AzureStorage}}", container: {{Container}}, destination: "{repository}/{env}.json" }
              files: { type: file, format: env, destination: "out/{repository}-{env}.env" }
            rules:
              - name: app
                platform: github
                repositories: ["e2e/*"]
                files: ["config/*.yaml"]
                root_key: null
                environment: { branch_map: { main: production }, default: development }
                sinks: [cache, coordination, blob, files]
                prune: true
                drift: { enabled: true, interval: 1s, self_heal: true }
            """);
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        _app = ServerApp.Create(["--urls", url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(Folder, "state");
            options.ApiToken = ApiToken;
            options.DriftTick = TimeSpan.FromMilliseconds(300);
            Configure(options);
        });
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        _redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Sends a signed push and returns the answer's status code and JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> DeliverAsync(GitHubPush push) => await SendAsync(push.Request(Secret));

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Polls the status API until the sync has finished.</summary>
    public Task<SyncRecord> WaitForSyncAsync(string id) => WaitForSyncAsync(Http, id, TimeSpan.FromSeconds(60));

    /// <summary>Polls <c>GET /api/syncs/{id}</c> of any server until the sync has ended, within <paramref name="bound"/>.</summary>
    public static async Task<SyncRecord> WaitForSyncAsync(HttpClient http, string id, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var record = await http.GetFromJsonAsync<SyncRecord>($"/api/syncs/{id}", StateJson.Options);
            if (record!.State is SyncState.Succeeded or SyncState.Failed or SyncState.Abandoned) return record;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sync {id} still {record.State} after {bound.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    /// <summary>Delivers a push and waits for the sync it started.</summary>
    public async Task<SyncRecord> SyncAsync(GitHubPush push)
    {
        var (status, body) = await DeliverAsync(push);
        Assert.True(status == 202, $"expected 202, got {status}: {body}");
        return await WaitForSyncAsync(body.GetProperty("sync_id").GetString()!);
    }

    public IDatabase Redis => _redis!.GetDatabase();

    public static string RedisKey(PushedRepository repository, string environment = "production") => $"vt-e2e:{repository.Name}:{environment}";

    /// <summary>The Redis hash's fields, without VarTrack's own provenance fields.</summary>
    public async Task<Dictionary<string, string>> RedisValuesAsync(PushedRepository repository) =>
        (await Redis.HashGetAllAsync(RedisKey(repository))).Where(e => !e.Name.ToString().StartsWith(ReservedKeys.Prefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    /// <summary>ZooKeeper, read through the server's own ZooKeeper sink (its wire client is tested against the real server separately).</summary>
    public async Task<Dictionary<string, string?>> ZooKeeperValuesAsync(PushedRepository repository, string file = "config/app.yaml")
    {
        var config = Services.GetRequiredService<VarTrackConfig>();
        var sink = await Services.GetRequiredService<ISinkProvider>().OpenAsync(config.Sinks["coordination"]);
        var snapshot = await sink.ReadAsync(new SinkTarget($"/vt-e2e/{repository.Name}/production", "app", file));
        return snapshot.Values.ToDictionary(v => v.Key, v => v.Value.Reveal());
    }

    public async Task<Dictionary<string, string?>> BlobValuesAsync(PushedRepository repository)
    {
        var blob = new BlobContainerClient(TestServices.AzureStorage, Container).GetBlobClient($"{repository.Name}/production.json");
        if (!(await blob.ExistsAsync()).Value) return [];
        var content = (await blob.DownloadContentAsync()).Value.Content.ToString();
        return JsonSerializer.Deserialize<Dictionary<string, string?>>(content)!;
    }

    public string FilePath(PushedRepository repository) => Path.Combine(Folder, "out", $"{repository.Name}-production.env");

    public Dictionary<string, string> FileValues(PushedRepository repository) => !File.Exists(FilePath(repository))
        ? []
        : File.ReadAllLines(FilePath(repository)).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}

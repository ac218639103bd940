using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Planning;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.EndToEnd.Tests;
using VarTrack.Server;

namespace VarTrack.Benchmarks;

/// <summary>
/// The real self-hosted server (Kestrel on a free loopback port, state in a temp folder) with one rule that syncs
/// <c>config/app.yaml</c> of <c>vt-bench/*</c> repositories into a file and a Redis hash (and ZooKeeper when asked),
/// drift off, GitHub webhooks signed with <see cref="Secret"/>. Same setup as the end-to-end tests' RunningServer,
/// without xunit, and with the webhook and per-repository rate limits lifted so bursts are measured, not refused.
/// </summary>
public sealed class BenchmarkServer : IAsyncDisposable
{
    public const string Secret = "bench-webhook-secret-3c9e1a";
    public const string File = "config/app.yaml";

    private readonly WebApplication _app;
    private readonly IReadOnlyList<string> _sinks;

    private BenchmarkServer(WebApplication app, HttpClient http, string folder, IReadOnlyList<string> sinks)
    {
        _app = app;
        Http = http;
        Folder = folder;
        _sinks = sinks;
    }

    public HttpClient Http { get; }

    public string Folder { get; }

    /// <summary>Starts the server; <paramref name="zooKeeper"/> adds a ZooKeeper sink to the file and Redis hash sinks.</summary>
    public static async Task<BenchmarkServer> StartAsync(bool zooKeeper)
    {
        TestServices.Require("Redis", TestServices.Redis);
        if (zooKeeper) TestServices.Require("ZooKeeper", TestServices.ZooKeeper);
        var folder = Path.Combine(Path.GetTempPath(), "vt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(folder, "out", "vt-bench"));
        var sinks = zooKeeper ? new[] { "files", "cache", "coordination" } : ["files", "cache"];
        var config = Path.Combine(folder, "vartrack.yaml");
        await System.IO.File.WriteAllTextAsync(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{Secret}}" }
            sinks:
              cache: { type: redis, connection: "{{TestServices.Redis}}", mode: hash, destination: "vt-bench:{repository}:{env}" }
              coordination: { type: zookeeper, connection: "{{TestServices.ZooKeeper}}", destination: "/vt-bench/{repository}/{env}" }
              files: { type: file, format: env, destination: "out/{repository}-{env}.env" }
            rules:
              - name: app
                platform: github
                repositories: ["vt-bench/*"]
                files: ["config/*.yaml"]
                root_key: null
                environment: { branch_map: { main: production }, default: development }
                sinks: [{{string.Join(", ", sinks)}}]
                drift: { enabled: false }
            """);
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        // Warning level: the server's per-sync Information lines would otherwise flood BenchmarkDotNet's output.
        var app = ServerApp.Create(["--urls", url, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning"], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(folder, "state");
            options.WebhooksPerAddressPerMinute = int.MaxValue;
            options.SyncsPerRepositoryPerMinute = int.MaxValue;
        });
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        return new BenchmarkServer(app, http, folder, sinks);
    }

    /// <summary>The signed GitHub push delivery for one commit that modified <see cref="File"/>.</summary>
    public static HttpRequestMessage Webhook(BenchmarkRepository repository, string before, string after) =>
        new GitHubPush(repository.Name, repository.CloneUrl, before, after) { Modified = [File] }.Request(Secret);

    /// <summary>Delivers the webhook and returns the id of the sync it queued.</summary>
    public async Task<string> DeliverAsync(HttpRequestMessage webhook)
    {
        using var response = await Http.SendAsync(webhook);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}: {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("sync_id").GetString()!;
    }

    /// <summary>Polls the status API in a tight loop until the sync has finished, and returns its record.</summary>
    public async Task<SyncRecord> WaitAsync(string syncId, TimeSpan poll)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var record = await Http.GetFromJsonAsync<SyncRecord>($"/api/syncs/{syncId}", StateJson.Options);
            if (record!.State is SyncState.Succeeded or SyncState.Failed or SyncState.Abandoned) return record;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"sync {syncId} still {record.State} after 60 s");
            await Task.Delay(poll);
        }
    }

    /// <summary>Throws unless the sync succeeded and every sink reports <paramref name="expected"/> (or one of them).</summary>
    public static void Require(SyncRecord record, params SinkOutcome[] expected)
    {
        var sinks = record.Files.SelectMany(f => f.Sinks).ToList();
        if (record.State != SyncState.Succeeded || sinks.Count == 0 || sinks.Any(s => !expected.Contains(s.Outcome)))
            throw new InvalidOperationException($"sync {record.Id} {record.State}: {record.Error} " +
                string.Join("; ", record.Files.SelectMany(f => f.Problems.Concat(f.Sinks.Select(s => $"{s.Sink} {s.Outcome} {s.Error}")))));
    }

    /// <summary>Removes what the benchmark wrote to Redis and ZooKeeper (the file goes with the temp folder).</summary>
    public async Task ClearAsync(BenchmarkRepository repository)
    {
        var config = _app.Services.GetRequiredService<VarTrackConfig>();
        var provider = _app.Services.GetRequiredService<ISinkProvider>();
        foreach (var (name, destination) in new[] { ("cache", $"vt-bench:{repository.Name}:production"), ("coordination", $"/vt-bench/{repository.Name}/production") })
        {
            if (!_sinks.Contains(name)) continue;
            var sink = await provider.OpenAsync(config.Sinks[name]);
            await sink.RestoreAsync(new SinkTarget(destination, "app", File), Snapshot.Empty);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

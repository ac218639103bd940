using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VarTrack.Connectors.LocalState;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The server's retention timer over its local state folder: it prunes once at start (waited for as a condition),
/// and a prune run on demand leaves exactly the newest <c>keep_syncs</c> records plus the one a baseline references.
/// </summary>
public sealed class RetentionServerTests : IAsyncDisposable
{
    private static readonly DateTime Start = new(2026, 1, 10, 8, 0, 0, DateTimeKind.Utc);

    private readonly string _folder = Directory.CreateTempSubdirectory("vt-e2e-retention-").FullName;

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static string Commit(int n) => n.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A finished sync record whose file was last written <paramref name="n"/> minutes after <see cref="Start"/>.</summary>
    private static async Task<string> RecordAsync(LocalFolderStateStore store, int n)
    {
        var id = SyncIds.For("acme/app", "refs/heads/main", Commit(n));
        var at = new DateTimeOffset(Start.AddMinutes(n));
        var request = new SyncRequest(id, "acme/app", "https://git.example/acme/app.git", "refs/heads/main", Commit(n)) { RequestedAt = at };
        await new SyncRecordStore(store).SaveAsync(new SyncRecord(id, SyncState.Succeeded, request) { StartedAt = at, FinishedAt = at });
        File.SetLastWriteTimeUtc(store.PathOf(StateKey.Of("syncs", id)), Start.AddMinutes(n));
        return id;
    }

    [Fact]
    public async Task The_timer_prunes_at_start_and_one_prune_leaves_the_newest_records_and_the_referenced_one()
    {
        var stateDirectory = Path.Combine(_folder, "state");
        var store = new LocalFolderStateStore(Path.Combine(stateDirectory, "state"));
        var ids = new List<string>();
        for (var n = 0; n < 50; n++) ids.Add(await RecordAsync(store, n));
        await new BaselineStore(store).SaveAsync(new AppliedBaseline("files", "out/app.env", "app", "config/app.yaml", "production") { ContentHash = "h", SyncId = ids[3] });
        var config = Path.Combine(_folder, "vartrack.yaml");
        await File.WriteAllTextAsync(config, """
            version: 1
            webhooks:
              github: { secret: "retention-secret-1" }
            state:
              keep_syncs: 10
              keep_sync_days: 0
              prune_interval: 1h
            """);
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        await using var app = ServerApp.Create(["--urls", url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = stateDirectory;
        });
        await app.StartAsync();
        var retention = app.Services.GetRequiredService<RetentionService>();
        Assert.Contains(retention, app.Services.GetServices<IHostedService>());

        // The run at start: the newest 10 by write time and the record the baseline names.
        var expected = ids[40..].Append(ids[3]).Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await SyncIdsAsync(store)).SequenceEqual(expected))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"the retention timer did not prune at start within 60 s: {(await SyncIdsAsync(store)).Count} records left");
            await Task.Delay(100);
        }

        // Five newer syncs, then one prune on demand: 10 newest (45..54) and the referenced one remain.
        for (var n = 50; n < 55; n++) ids.Add(await RecordAsync(store, n));
        var result = await retention.RunOnceAsync();

        Assert.Equal((5, 1), (result!.SyncsDeleted, result.SyncsKept));
        Assert.Equal(ids[45..].Append(ids[3]).Order(StringComparer.Ordinal), await SyncIdsAsync(store));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var listed = await http.GetFromJsonAsync<JsonElement>("/api/syncs?limit=100");
        Assert.Equal(11, listed.GetProperty("syncs").GetArrayLength());
    }

    private static async Task<List<string>> SyncIdsAsync(IStateStore store) =>
        (await store.ListAsync("syncs")).Select(k => k.Split('/')[1]).Order(StringComparer.Ordinal).ToList();
}

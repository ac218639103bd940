using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>
/// <c>ttl</c> in string mode: every value key gets the expiry on each write, the provenance hash never expires, and an
/// expired key reads back as missing, so the next (non-smart_repair) sync adds it again.
/// </summary>
public sealed class RedisTtlTests : IAsyncLifetime
{
    private readonly List<string> _destinations = [];

    public Task InitializeAsync() => RedisTestServer.AdminAsync();

    public Task DisposeAsync() => RedisTestServer.DeleteAsync(_destinations);

    [Fact]
    public async Task Values_expire_after_the_ttl_and_the_next_sync_adds_them_again()
    {
        // 3 s, not 1 s: the TTL is read after the whole sync run, which on a loaded machine can outlast a 1 s TTL
        // (the key would be gone and have no TTL to check). The connection is opened before the run for the same reason.
        await using var sink = await RedisTestServer.CreateSinkAsync("string", ("ttl", "3s"));
        var harness = new SinkTestHarness(sink, "redis");
        var destination = RedisTestServer.NewDestination("string");
        _destinations.Add(destination);
        var target = new SinkTarget(destination, "contract", "config/app.yaml");
        var values = new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" };

        var db = await RedisTestServer.DatabaseAsync();
        Assert.True((await harness.Executor().RunAsync(harness.Job(destination, values))).Succeeded);
        var ttl = await db.KeyTimeToLiveAsync($"{destination}:a");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(3));
        Assert.Null(await db.KeyTimeToLiveAsync($"{destination}:__vartrack__"));

        for (var i = 0; i < 300 && await db.KeyExistsAsync($"{destination}:a"); i++) await Task.Delay(100);
        var expired = await sink.ReadAsync(target);
        Assert.Empty(expired.Values);
        Assert.NotNull(expired.Provenance);

        var report = await harness.Executor().RunAsync(harness.Job(destination, values, commit: "c1"));
        Assert.Equal(SinkOutcome.Applied, report.Sinks.Single().Outcome);
        Assert.Equal(["a", "b"], report.Sinks.Single().Changes!.Changes.Select(c => c.Key).Order());
        Assert.Equal("1", (await sink.ReadAsync(target)).Values["a"].Reveal());
    }
}

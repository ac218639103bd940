using System.Text.Json;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Connectors.Tests.NodeConfig;

/// <summary>What every <see cref="INodeRegistry"/> must do, run against each implementation on its real store.</summary>
public abstract class NodeRegistryContractTests
{
    protected static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A registry for a fresh deployment (unique per call).</summary>
    protected abstract Task<INodeRegistry> CreateAsync(string deployment);

    protected static string NewDeployment() => "d" + Guid.NewGuid().ToString("N")[..12];

    protected static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task A_registration_round_trips_with_its_metadata()
    {
        var registry = await CreateAsync(NewDeployment());

        var stored = await registry.RegisterAsync("node-1", "2001:db8::7", Json("""{"zone":"eu-1","ports":[1,2],"nested":{"on":true},"n":null}"""), T0);

        var read = (await registry.GetAsync("node-1"))!;
        Assert.Equal(("node-1", "2001:db8::7", T0, T0), (read.Identifier, read.Address, read.RegisteredAt, read.UpdatedAt));
        Assert.Equal("""{"zone":"eu-1","ports":[1,2],"nested":{"on":true},"n":null}""", JsonSerializer.Serialize(read.Metadata));
        Assert.Equal(stored.Identifier, read.Identifier);
        Assert.Null(await registry.GetAsync("node-2"));
    }

    [Fact]
    public async Task Metadata_at_the_contract_limit_round_trips()
    {
        var registry = await CreateAsync(NewDeployment());
        // The largest metadata the service accepts: ASCII, then non-ASCII (escaped as \uXXXX when measured and stored).
        foreach (var (character, count) in new[] { ('a', NodeContract.MaxMetadataBytes - 8), ('é', (NodeContract.MaxMetadataBytes - 8) / 6) })
        {
            var metadata = Json(JsonSerializer.Serialize(new { x = new string(character, count) }));
            await registry.RegisterAsync("node-1", "10.0.0.1", metadata, T0);
            Assert.Equal(count, (await registry.GetAsync("node-1"))!.Metadata.GetProperty("x").GetString()!.Length);
        }
    }

    [Fact]
    public async Task Re_registering_updates_and_keeps_the_first_registration_time()
    {
        var registry = await CreateAsync(NewDeployment());
        await registry.RegisterAsync("node-1", "10.0.0.1", Json("{}"), T0);

        var updated = await registry.RegisterAsync("node-1", "10.0.0.2", Json("""{"v":2}"""), T0.AddMinutes(5));

        Assert.Equal((T0, T0.AddMinutes(5)), (updated.RegisteredAt, updated.UpdatedAt));
        var listed = Assert.Single(await registry.ListAsync());
        Assert.Equal(("10.0.0.2", 2, T0), (listed.Address, listed.Metadata.GetProperty("v").GetInt32(), listed.RegisteredAt));
    }

    [Fact]
    public async Task Deployments_are_separate()
    {
        var a = NewDeployment();
        var registryA = await CreateAsync(a);
        var registryB = await CreateAsync(NewDeployment());
        await registryA.RegisterAsync("node-1", "a", Json("{}"), T0);

        Assert.Empty(await registryB.ListAsync());
        Assert.Null(await registryB.GetAsync("node-1"));
        Assert.Single(await (await CreateAsync(a)).ListAsync());
    }

    [Fact]
    public async Task Many_concurrent_registrations_are_all_listed()
    {
        var registry = await CreateAsync(NewDeployment());
        using var gate = new SemaphoreSlim(20);
        await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await registry.RegisterAsync($"node-{i:000}", $"10.0.{i / 256}.{i % 256}", Json($$"""{"i":{{i}}}"""), T0);
            }
            finally
            {
                gate.Release();
            }
        }));
        // The same node from two places at once ends as one registration.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => registry.RegisterAsync("node-000", $"10.9.9.{i}", Json("{}"), T0.AddSeconds(i))));

        var all = await registry.ListAsync();
        Assert.Equal(120, all.Count);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"node-{i:000}"), all.Select(r => r.Identifier).Order(StringComparer.Ordinal));
        Assert.Equal(T0, all.Single(r => r.Identifier == "node-000").RegisteredAt);
    }
}

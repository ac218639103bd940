using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.ZooKeeper;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>The sink contract against the real ZooKeeper, once per key layout (<see cref="ZooKeeperPathSinkContractTests"/>, <see cref="ZooKeeperDotSinkContractTests"/>).</summary>
public abstract class ZooKeeperSinkContractTests(string mode) : SinkContractTests, IAsyncLifetime
{
    private readonly string _testRoot = ZooKeeperTestServer.NewRoot();
    private readonly List<ISink> _sinks = [];
    private int _destinations;

    protected override string SinkType => "zookeeper";

    protected override string NewDestination() => $"{_testRoot}/app{Interlocked.Increment(ref _destinations)}/production";

    protected override async Task<ISink> CreateSinkAsync()
    {
        var settings = ZooKeeperTestServer.Settings("primary", new Dictionary<string, string> { ["connection"] = ZooKeeperTestServer.ConnectionString, ["mode"] = mode });
        var sink = await new ZooKeeperSinkFactory().CreateAsync(settings);
        _sinks.Add(sink);
        return sink;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await ZooKeeperTestServer.DeleteTreeAsync(_testRoot);
        foreach (var sink in _sinks) await ((IAsyncDisposable)sink).DisposeAsync();
    }
}

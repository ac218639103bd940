using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>The shared sink contract against the real Redis for one mode; keys and connections are cleaned up after each test.</summary>
public abstract class RedisSinkContractTests : SinkContractTests, IAsyncLifetime
{
    private readonly List<string> _destinations = [];
    private readonly List<IAsyncDisposable> _sinks = [];

    protected abstract string Mode { get; }

    protected override string SinkType => "redis";

    protected override async Task<ISink> CreateSinkAsync()
    {
        var sink = await RedisTestServer.CreateSinkAsync(Mode);
        lock (_sinks) _sinks.Add(sink);
        return sink;
    }

    protected override string NewDestination()
    {
        var destination = RedisTestServer.NewDestination(Mode);
        lock (_destinations) _destinations.Add(destination);
        return destination;
    }

    public Task InitializeAsync() => RedisTestServer.AdminAsync();

    public async Task DisposeAsync()
    {
        foreach (var sink in _sinks) await sink.DisposeAsync();
        await RedisTestServer.DeleteAsync(_destinations);
    }
}

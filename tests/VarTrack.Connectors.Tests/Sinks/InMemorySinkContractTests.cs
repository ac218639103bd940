using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Runs the contract suite against the in-memory sink: proves the suite and the executor before any real store.</summary>
public sealed class InMemorySinkContractTests : SinkContractTests
{
    private readonly InMemorySink _sink = new();

    protected override Task<ISink> CreateSinkAsync() => Task.FromResult<ISink>(_sink);

    protected override string SinkType => "redis";

    protected override string NewDestination() => $"memory-{Guid.NewGuid():N}";
}

using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>The shared sink contract for MongoDB document mode, against the in-process fake MongoDB with the real driver.</summary>
public sealed class MongoDocumentSinkContractTests : SinkContractTests, IAsyncLifetime
{
    private readonly FakeMongoServer _server = FakeMongoServer.Start();
    private readonly MongoTestSinks _sinks = new();

    protected override string SinkType => "mongodb";

    protected override Task<ISink> CreateSinkAsync() => _sinks.CreateAsync(_server.ConnectionString(), "settings", "document");

    protected override string NewDestination() => $"production/app-{Guid.NewGuid():N}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sinks.DisposeAsync();
        await _server.DisposeAsync();
    }
}

using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>The shared sink contract for MongoDB file mode, against the in-process fake MongoDB with the real driver.</summary>
public sealed class MongoFileSinkContractTests : SinkContractTests, IAsyncLifetime
{
    private readonly FakeMongoServer _server = FakeMongoServer.Start();
    private readonly MongoTestSinks _sinks = new();

    protected override string SinkType => "mongodb";

    protected override Task<ISink> CreateSinkAsync() => _sinks.CreateAsync(_server.ConnectionString(), "files", "file");

    /// <summary>As a <c>{env}/{file}</c> template renders it.</summary>
    protected override string NewDestination() => $"production/{Guid.NewGuid():N}/config/app.yaml";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _sinks.DisposeAsync();
        await _server.DisposeAsync();
    }
}

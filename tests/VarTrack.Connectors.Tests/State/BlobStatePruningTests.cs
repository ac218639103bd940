using Azure.Storage.Blobs;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.State;

namespace VarTrack.Connectors.Tests.State;

/// <summary>Retention against Azure Blob state on the real Azurite: a fresh container per test, deleted afterwards.</summary>
public sealed class BlobStatePruningTests : StatePruningContractTests, IAsyncLifetime
{
    private readonly BlobContainerClient _container;

    public BlobStatePruningTests()
    {
        TestServices.Require("Azurite", AzuriteContainer.Endpoint);
        _container = new BlobServiceClient(TestServices.AzureStorage).GetBlobContainerClient("vt-prune-" + Guid.NewGuid().ToString("N")[..20]);
        Store = new BlobStateStore(_container);
    }

    protected override IStateStore Store { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _container.DeleteIfExistsAsync();
}

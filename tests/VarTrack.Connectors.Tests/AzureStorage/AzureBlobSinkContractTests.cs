using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.AzureStorage;

/// <summary>The shared sink contract for <see cref="AzureBlobSink"/> against the real Azurite.</summary>
public sealed class AzureBlobSinkContractTests(AzuriteContainer container) : SinkContractTests, IClassFixture<AzuriteContainer>
{
    protected override string SinkType => AzureBlobSinkFactory.TypeName;

    protected override async Task<ISink> CreateSinkAsync() => await container.CreateSinkAsync();

    protected override string NewDestination() => $"apps/{Guid.NewGuid():N}/config.json";
}

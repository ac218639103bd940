using VarTrack.Connectors.LocalState;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Connectors.Tests.NodeConfig;

/// <summary>The embedded default: registrations in the local folder state store.</summary>
public sealed class StateNodeRegistryTests : NodeRegistryContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-node-registry-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    protected override Task<INodeRegistry> CreateAsync(string deployment) =>
        Task.FromResult<INodeRegistry>(new StateNodeRegistry(new LocalFolderStateStore(_folder), deployment));

    [Fact]
    public async Task Registrations_are_documents_under_the_deployment()
    {
        await (await CreateAsync("prod")).RegisterAsync("node-1", "a", Json("{}"), T0);
        Assert.True(File.Exists(Path.Combine(_folder, "nodes", "prod", "registrations", "node-1@")));
    }
}

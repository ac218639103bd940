using Azure.Data.Tables;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Connectors.Tests.NodeConfig;

/// <summary>Registrations in Azure Table storage, against real Azurite (fails clearly when Azurite is not running).</summary>
public sealed class TableNodeRegistryTests : NodeRegistryContractTests, IAsyncLifetime
{
    private readonly string _table = "vtnodes" + Guid.NewGuid().ToString("N")[..10];

    public Task InitializeAsync()
    {
        TestServices.Require("Azurite (Table)", $"127.0.0.1:{TestServices.AzuriteBlobPort + 2}");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await new TableServiceClient(TestServices.AzureStorage).DeleteTableAsync(_table);

    protected override Task<INodeRegistry> CreateAsync(string deployment) =>
        Task.FromResult<INodeRegistry>(TableNodeRegistry.Create(TestServices.AzureStorage, _table, deployment));

    [Fact]
    public async Task The_entity_layout_is_partition_per_deployment_and_row_per_escaped_identifier()
    {
        var registry = await CreateAsync("prod");
        await registry.RegisterAsync("node.1", "10.0.0.1", Json("""{"zone":"a"}"""), T0);

        var entity = (await new TableClient(TestServices.AzureStorage, _table).GetEntityAsync<TableEntity>("prod", "node.2E1")).Value;
        Assert.Equal(("node.1", "10.0.0.1", """{"zone":"a"}""", T0), (entity.GetString("Identifier"), entity.GetString("Address"), entity.GetString("Metadata"), entity.GetDateTimeOffset("RegisteredAt")));
        Assert.Equal("Azure Table '" + _table + "' (partition 'prod')", registry.Description);
    }

    [Fact]
    public async Task A_storage_account_that_cannot_be_reached_is_an_error_naming_the_table_without_the_key()
    {
        var connection = TestServices.AzureStorage.Replace($":{TestServices.AzuriteBlobPort + 2}/", $":{TestServices.UnusedPort()}/", StringComparison.Ordinal);
        var registry = TableNodeRegistry.Create(connection, _table, "prod");

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => registry.ListAsync());
        Assert.Contains($"Azure Table '{_table}' (partition 'prod'): cannot create the table: cannot reach http://127.0.0.1:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_a_setting_error_that_does_not_repeat_it()
    {
        var ex = Assert.Throws<VarTrackException>(() => TableNodeRegistry.Create("AccountKey=secret-key;nonsense", _table, "prod"));
        Assert.Equal("'connection' of 'registry' of 'nodes' is not a valid Azure Storage connection string", ex.Message);
    }
}

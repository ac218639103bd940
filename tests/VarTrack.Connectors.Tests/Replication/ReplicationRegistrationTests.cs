using Microsoft.Extensions.DependencyInjection;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;
using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.Connectors.Tests.Replication;

/// <summary>What the hosts get from AddVarTrackCore and AddVarTrackConnectors with a replication: section.</summary>
public sealed class ReplicationRegistrationTests
{
    private const string Yaml = """
        replication:
          origin:
            name: primary
            vault: { address: "${ORIGIN_ADDR}", auth: { token: "${ORIGIN_TOKEN}" } }
            mounts: [secret]
          destinations:
            - name: eu
              vault: { address: "${EU_ADDR}", auth: { token: "${EU_TOKEN}" } }
              delete_mode: soft
        """;

    [Fact]
    public async Task A_host_gets_the_replication_activities_in_its_activity_table_and_a_working_cycle()
    {
        await using var origin = await Vault.FakeVaultServer.StartAsync();
        await using var eu = await Vault.FakeVaultServer.StartAsync();
        origin.Seed("secret", "app/a", new Dictionary<string, string> { ["k"] = "v" });
        var environment = new Dictionary<string, string?>
        {
            ["ORIGIN_ADDR"] = origin.Address.ToString(), ["ORIGIN_TOKEN"] = origin.RootToken,
            ["EU_ADDR"] = eu.Address.ToString(), ["EU_TOKEN"] = eu.RootToken,
        };
        var config = VarTrackConfigLoader.Parse(Yaml, "vartrack.yaml", Path.GetTempPath());
        var services = new ServiceCollection();
        services.AddSingleton<IStateStore>(new InMemoryStateStore());
        services.AddSingleton<ISyncStarter>(new NoSyncs());
        await using var provider = services.AddVarTrackCore(config).AddVarTrackConnectors(config, n => environment.GetValueOrDefault(n)).BuildServiceProvider();

        Assert.IsType<StateSyncInfoStore>(provider.GetRequiredService<ISyncInfoStore>());
        Assert.NotNull(provider.GetRequiredService<VaultAccessCheck>());
        var steps = new InProcessWorkflowSteps(provider.GetRequiredService<ActivityTable>(), new Core.Sync.InProcessDestinationLocks(), TimeProvider.System);
        var result = await ReplicationWorkflow.RunAsync(steps, new ReplicationCycleRequest("di"));

        Assert.Equal(CycleOutcome.Published, result.Origin.Outcome);
        Assert.Equal(1, Assert.Single(result.Destinations).Copied);
        Assert.Equal(2, (await provider.GetRequiredService<ReplicationStatusStore>().LastAsync()).Count);
        Assert.True((await provider.GetRequiredService<VaultAccessCheck>().RunAsync()).Ok);
    }

    [Fact]
    public async Task Sync_info_with_a_connection_lives_in_that_azure_blob_container()
    {
        var container = "vt-sync-" + Guid.NewGuid().ToString("N")[..12];
        var config = VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n", $"replication:\n  sync_info: {{ connection: \"${{AZ}}\", container: {container} }}\n"),
            "vartrack.yaml", Path.GetTempPath());
        var resolver = new SettingResolver(n => n == "AZ" ? TestServices.AzureStorage : null);

        var store = SyncInfoStores.Create(config.Replication!, resolver, new InMemoryStateStore());

        var blob = Assert.IsType<VarTrack.Connectors.AzureStorage.BlobSyncInfoStore>(store);
        Assert.Contains(container, blob.Description);
        Assert.DoesNotContain("AccountKey", blob.Description);
        var tag = await store.WriteIndexAsync("origin-primary", "{}"u8.ToArray(), expectedTag: null);
        Assert.Equal(tag, (await store.ReadIndexAsync("origin-primary"))!.Tag);
        await new Azure.Storage.Blobs.BlobContainerClient(TestServices.AzureStorage, container).DeleteIfExistsAsync();
    }

    [Fact]
    public void Sync_info_with_consul_settings_lives_in_consul_kv_under_the_key_prefix()
    {
        var config = VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n",
            "replication:\n  sync_info: { consul: { address: \"http://127.0.0.1:8500\", token: \"${CONSUL_TOKEN}\", key_prefix: team/sync } }\n"), "vartrack.yaml", Path.GetTempPath());

        using var store = Assert.IsType<VarTrack.Connectors.Consul.ConsulSyncInfoStore>(SyncInfoStores.Create(config.Replication!,
            new SettingResolver(n => n == "CONSUL_TOKEN" ? "consul-token-value" : null), new InMemoryStateStore()));

        Assert.Contains("team/sync", store.Description);
        Assert.DoesNotContain("consul-token-value", store.Description);
    }

    [Fact]
    public void Both_a_blob_connection_and_consul_is_a_config_error_naming_the_line()
    {
        var error = Assert.Throws<VarTrackException>(() => VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n",
            "replication:\n  sync_info: { connection: \"${AZ}\", consul: { address: \"http://127.0.0.1:8500\" } }\n"), "vartrack.yaml", Path.GetTempPath()));

        var problem = Assert.Single(error.Problems);
        Assert.Equal(2, problem.Position.Line);
        Assert.Contains("names both 'connection' (Azure Blob) and 'consul'", problem.Message);
    }

    [Fact]
    public void A_secret_reference_as_the_sync_info_connection_is_refused_at_load()
    {
        var error = Assert.Throws<VarTrackException>(() => VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n",
            "replication:\n  sync_info: { connection: \"@secret(kv/azure#conn)\" }\n"), "vartrack.yaml", Path.GetTempPath()));

        Assert.Contains("opened when the host starts", Assert.Single(error.Problems).Message);
    }

    [Fact]
    public void A_missing_variable_for_the_connection_stops_the_host_naming_the_setting()
    {
        var config = VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n", "replication:\n  sync_info: { connection: \"${AZ}\" }\n"), "vartrack.yaml", Path.GetTempPath());

        var error = Assert.Throws<VarTrackException>(() => SyncInfoStores.Create(config.Replication!, new SettingResolver(_ => null), new InMemoryStateStore()));

        Assert.Contains("'connection' of 'sync_info' of 'replication'", error.Problems.Single().Message);
        Assert.Contains("AZ", error.Problems.Single().Message);
    }

    private sealed class NoSyncs : ISyncStarter
    {
        public Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}

using Microsoft.Extensions.DependencyInjection;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

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
    public void Sync_info_in_azure_blob_storage_is_the_one_spot_left_for_the_blob_store()
    {
        var config = VarTrackConfigLoader.Parse(Yaml.Replace("replication:\n", "replication:\n  sync_info: { connection: \"${AZ}\" }\n"), "vartrack.yaml", Path.GetTempPath());

        var error = Assert.Throws<VarTrackException>(() => SyncInfoStores.Create(config.Replication!, new SettingResolver(), new InMemoryStateStore()));

        Assert.StartsWith("replication 'sync_info.connection' (azure blob container vartrack-vault-sync) is not built yet", error.Problems.Single().Message);
    }

    private sealed class NoSyncs : ISyncStarter
    {
        public Task<bool> StartAsync(SyncRequest request, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}

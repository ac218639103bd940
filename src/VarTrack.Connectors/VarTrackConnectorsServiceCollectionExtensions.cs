using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VarTrack.Connectors.Sinks;
using VarTrack.Connectors.Vault;
using Microsoft.Extensions.Logging;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Git;
using VarTrack.Connectors.LocalState;
using VarTrack.Connectors.Meta;
using VarTrack.Core.Config;
using VarTrack.Core.Git;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Replication;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors;

/// <summary>Registers the connectors vartrack.yaml configures, for every host.</summary>
public static class VarTrackConnectorsServiceCollectionExtensions
{
    /// <summary>
    /// With a 'vault' section: one shared <see cref="VaultClient"/> and the <see cref="ISecretStore"/> backed by it.
    /// With a 'replication' section: the replication clusters (<see cref="IReplicaVaults"/>) and the sync info store.
    /// With a <see cref="StateLocation"/> (servers): the state store (a local folder, or Azure Blob storage, which also
    /// brings Blob-lease destination locks for several instances) and the Git clone cache. Always: every sink factory and the <see cref="ISinkProvider"/> that opens each configured sink once.
    /// </summary>
    public static IServiceCollection AddVarTrackConnectors(this IServiceCollection services, VarTrackConfig config, Func<string, string?>? environment = null, StateLocation? state = null)
    {
        if (state is not null)
        {
            services.TryAddSingleton<IStateStore>(_ => state.OpenStore());
            // Shared state means several instances: destinations are then locked with Blob leases, not in process.
            if (state.BlobConnection is { } shared)
                services.TryAddSingleton<IDestinationLocks>(sp => BlobLeaseDestinationLocks.Create(shared, logger: sp.GetService<ILogger<BlobLeaseDestinationLocks>>()));
            services.TryAddSingleton<IGitSource>(sp => new GitCloneSource(config.Git, config.Git.CacheDirectory ?? Path.Combine(state.Directory, "git"),
                new SettingResolver(environment, sp.GetService<ISecretStore>()), sp.GetService<ILogger<GitCloneSource>>()));
            if (config.Meta is { } meta)
            {
                // The in-process age format; a host may register AgeToolCipher (the age tool) first instead.
                services.TryAddSingleton<IMetaCipher>(_ => new AgeCipher());
                services.TryAddSingleton<IMetaRepository>(sp => new GitMetaRepository(meta, config.Git,
                    GitMetaRepository.FolderFor(meta.CacheDirectory ?? Path.Combine(state.Directory, "meta"), meta.Repository),
                    new SettingResolver(environment, sp.GetService<ISecretStore>()), sp.GetService<TimeProvider>(), sp.GetService<ILogger<GitMetaRepository>>()));
            }
        }
        if (config.Vault is { } vault)
        {
            services.TryAddSingleton(_ => new VaultClient(VaultOptionsFactory.Create(vault, config.BaseDirectory, new SettingResolver(environment))));
            services.TryAddSingleton<ISecretStore>(sp => new VaultSecretStore(sp.GetRequiredService<VaultClient>()));
        }
        if (config.Nodes is { Registry: { } registry } nodes)
        {
            // Node registrations in Azure Table storage (without 'registry' Core keeps them in the state store).
            // Resolved now so a missing variable stops the host at startup, naming the setting (never the value).
            var connection = new SettingResolver(environment).ResolveText(registry.Connection, "'connection' of 'registry' of 'nodes'");
            services.TryAddSingleton<INodeRegistry>(_ => TableNodeRegistry.Create(connection, registry.Table, nodes.Deployment));
        }
        if (config.Replication is { } replication)
        {
            services.TryAddSingleton<IReplicaVaults>(sp => VaultReplicaVaults.Create(replication, config.BaseDirectory, new SettingResolver(environment), sp.GetService<TimeProvider>()));
            services.TryAddSingleton(sp => SyncInfoStores.Create(replication, new SettingResolver(environment, sp.GetService<ISecretStore>()), sp.GetRequiredService<IStateStore>()));
        }
        foreach (var factory in SinkFactories.All()) services.AddSingleton(factory);
        services.TryAddSingleton<ISinkProvider>(sp => new SinkProvider(sp.GetServices<ISinkFactory>(), new SettingResolver(environment, sp.GetService<ISecretStore>()), config.BaseDirectory));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.Drift;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Git;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.Replication;
using VarTrack.Core.Releases;
using VarTrack.Core.Secrets;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Webhooks;
using VarTrack.Core.Workflows;

namespace VarTrack.Core;

/// <summary>Registers the engine once for every host (server, Functions app, CLI).</summary>
public static class VarTrackCoreServiceCollectionExtensions
{
    /// <summary>
    /// The validated config, the file reader, the pipeline (which uses an <see cref="ISecretStore"/> when one is
    /// registered), the sync executor, and the workflow activities (sync, drift) with their stores. The host and the
    /// connectors provide <see cref="ISinkProvider"/>, <see cref="IStateStore"/>, <see cref="IGitSource"/> and
    /// <see cref="ISyncStarter"/>; destination locks are in process unless a host registers distributed ones first.
    /// With a 'replication' section: its activities (in the activity table), status store and access check; the
    /// connectors provide <see cref="IReplicaVaults"/> and <see cref="ISyncInfoStore"/>.
    /// </summary>
    public static IServiceCollection AddVarTrackCore(this IServiceCollection services, VarTrackConfig config)
    {
        services.TryAddSingleton(config);
        services.TryAddSingleton(new ConfigFileReader());
        // Encrypted tracked files open with the host's age implementation when it registered one (else in process).
        services.TryAddSingleton(sp => new ConfigPipeline(config, sp.GetService<ISecretStore>(), sp.GetRequiredService<ConfigFileReader>(),
            new AgeFileDecryption(sp.GetService<IMetaCipher>() ?? new AgeCipher(), new SettingResolver(null, sp.GetService<ISecretStore>()))));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDestinationLocks, InProcessDestinationLocks>();
        services.TryAddSingleton(sp => new SyncExecutor(sp.GetRequiredService<ISinkProvider>(), sp.GetRequiredService<IDestinationLocks>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ICommitHistory>()));

        services.TryAddSingleton(sp => new DestinationSync(sp.GetRequiredService<ISinkProvider>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SnapshotStore(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton(sp => new BaselineStore(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton(sp => new DriftReportStore(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton(sp => new SyncRecordStore(sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton<ISyncJobSource>(sp => new StoredJobSource(config, sp.GetRequiredService<ConfigPipeline>(), sp.GetService<ISecretStore>(),
            sp.GetService<IGitSource>(), sp.GetRequiredService<BaselineStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SyncActivities(sp.GetRequiredService<ISyncJobSource>(), sp.GetRequiredService<DestinationSync>(),
            sp.GetRequiredService<SnapshotStore>(), sp.GetRequiredService<BaselineStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SyncResolver(config, sp.GetRequiredService<ISyncJobSource>(), sp.GetRequiredService<IGitSource>(), sp.GetRequiredService<IStateStore>()));
        services.TryAddSingleton(sp => new DriftActivities(config, sp.GetRequiredService<ISyncJobSource>(), sp.GetRequiredService<DestinationSync>(),
            sp.GetRequiredService<BaselineStore>(), sp.GetRequiredService<DriftReportStore>(), sp.GetRequiredService<SyncRecordStore>(), sp.GetRequiredService<TimeProvider>()));
        if (config.Replication is { } replication)
        {
            services.TryAddSingleton(sp => new ReplicationStatusStore(sp.GetRequiredService<IStateStore>()));
            services.TryAddSingleton(sp => new ReplicationActivities(replication, sp.GetRequiredService<IReplicaVaults>(), sp.GetRequiredService<ISyncInfoStore>(),
                sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<ReplicationStatusStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<ReplicationActivities>>()));
            services.TryAddSingleton(sp => new VaultAccessCheck(replication, sp.GetRequiredService<ISyncInfoStore>(), sp.GetRequiredService<IReplicaVaults>()));
            services.TryAddSingleton(sp => new ReplicationGate(sp.GetRequiredService<VaultAccessCheck>(), sp.GetRequiredService<ReplicationStatusStore>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<ReplicationGate>>()));
        }
        services.TryAddSingleton(sp =>
        {
            var table = new ActivityTable();
            sp.GetRequiredService<SyncActivities>().AddTo(table);
            sp.GetRequiredService<DriftActivities>().AddTo(table);
            if (sp.GetService<IGitSource>() is not null) sp.GetRequiredService<SyncResolver>().AddTo(table);
            if (config.Replication is not null) sp.GetRequiredService<ReplicationActivities>().AddTo(table);
            return table;
        });
        if (config.Meta is { } meta)
        {
            // Release metadata: the read API and the notifier, which hears meta pushes through the webhook handler.
            services.TryAddSingleton(sp => new MetaReadApi(sp.GetRequiredService<IMetaRepository>(), meta, sp.GetService<ILogger<MetaReadApi>>()));
            services.TryAddSingleton(sp => new MetaNotifier(sp.GetRequiredService<IMetaRepository>(), meta, sp.GetRequiredService<IStateStore>(),
                new SettingResolver(null, sp.GetService<ISecretStore>()), sp.GetRequiredService<TimeProvider>(), logger: sp.GetService<ILogger<MetaNotifier>>()));
            services.AddSingleton<IPushListener>(sp => sp.GetRequiredService<MetaNotifier>());
            services.TryAddSingleton(sp => new MetaOutbox(sp.GetRequiredService<IStateStore>(), meta.Subscribers, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<MetaOutbox>>()));
        }
        // Retention: the hosts' timers run the sweep (state pruning, then clone compaction when the Git source offers it).
        services.TryAddSingleton(sp => new StatePruner(sp.GetRequiredService<IStateStore>(), config.State, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<StatePruner>>()));
        services.TryAddSingleton(sp => new RetentionSweep(sp.GetRequiredService<StatePruner>(), sp.GetService<IGitSource>() as IGitCacheCompaction, sp.GetService<ILogger<RetentionSweep>>()));
        services.TryAddSingleton(new WebhookOptions());
        services.TryAddSingleton(sp => new WebhookHandler(config, new SettingResolver(null, sp.GetService<ISecretStore>()), sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<ISyncStarter>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WebhookOptions>(), sp.GetService<ILogger<WebhookHandler>>(),
            sp.GetServices<IPushListener>()));
        if (config.Nodes is { } nodes)
        {
            // Registrations in the host's state store unless the connectors registered Table storage first.
            services.TryAddSingleton<INodeRegistry>(sp => new StateNodeRegistry(sp.GetRequiredService<IStateStore>(), nodes.Deployment));
            services.TryAddSingleton(sp => NodeMaterializers.Create(nodes, sp.GetService<IGitSource>(), sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<PersistedMaterializer>>()));
            services.TryAddSingleton(sp => new NodeConfigService(nodes, sp.GetRequiredService<INodeRegistry>(), sp.GetRequiredService<IMaterializer>(),
                new NodeAccess(nodes.Tokens, new SettingResolver(null, sp.GetService<ISecretStore>())), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<NodeConfigService>>()));
        }
        return services;
    }
}

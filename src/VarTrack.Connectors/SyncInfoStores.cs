using VarTrack.Core.Config;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Consul;
using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors;

/// <summary>The one place the sync info store of <c>replication.sync_info</c> is chosen.</summary>
public static class SyncInfoStores
{
    /// <summary>
    /// With <c>connection</c>: Azure Blob storage in <c>container</c> (<see cref="BlobSyncInfoStore"/>, ETag-conditional
    /// publish, for several instances). With <c>consul</c>: Consul KV under <c>key_prefix</c> (<see cref="ConsulSyncInfoStore"/>).
    /// With neither: VarTrack's own state store (<see cref="StateSyncInfoStore"/>, one instance). Settings are resolved
    /// now, so a missing variable stops the host at startup naming the setting, never its value.
    /// </summary>
    public static ISyncInfoStore Create(ReplicationSettings settings, SettingResolver resolver, IStateStore state)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var syncInfo = settings.SyncInfo;
        if (syncInfo.Connection is { } connection)
            return BlobSyncInfoStore.Create(resolver.ResolveText(connection, "'connection' of 'sync_info' of 'replication'"), syncInfo.Container);
        if (syncInfo.ConsulAddress is { } address)
            return ConsulSyncInfoStore.Create(resolver.ResolveText(address, "'address' of 'consul' of 'sync_info' of 'replication'"),
                syncInfo.ConsulToken is { } token ? resolver.ResolveText(token, "'token' of 'consul' of 'sync_info' of 'replication'") : null,
                syncInfo.ConsulKeyPrefix);
        return new StateSyncInfoStore(state);
    }
}

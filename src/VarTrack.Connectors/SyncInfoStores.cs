using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;
using VarTrack.Core.State;

namespace VarTrack.Connectors;

/// <summary>The one place the sync info store of <c>replication.sync_info</c> is chosen.</summary>
public static class SyncInfoStores
{
    /// <summary>
    /// Without <c>connection</c>: VarTrack's own state store (<see cref="StateSyncInfoStore"/>). With it: Azure Blob
    /// storage in <c>container</c> (<c>BlobSyncInfoStore</c>, wired here once it is built).
    /// </summary>
    public static ISyncInfoStore Create(ReplicationSettings settings, SettingResolver resolver, IStateStore state)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (settings.SyncInfo.Connection is null) return new StateSyncInfoStore(state);
        throw new VarTrackException(new Problem(
            $"replication 'sync_info.connection' (azure blob container {settings.SyncInfo.Container}) is not built yet; remove 'connection' to keep sync info in VarTrack's state store")
        {
            Position = settings.SyncInfo.Connection.Position,
        });
    }
}

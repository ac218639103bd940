using VarTrack.Core.Config;

namespace VarTrack.Core.Replication;

/// <summary>
/// Where sync info is kept: an Azure Storage connection string and container (<c>BlobSyncInfoStore</c>), or, without
/// a connection, VarTrack's own state store (<see cref="StateSyncInfoStore"/>).
/// </summary>
public sealed record SyncInfoSettings
{
    public const string DefaultContainer = "vartrack-vault-sync";

    /// <summary>Azure Storage connection string (a setting: <c>${ENV}</c> or <c>@secret(...)</c>); null = the state store.</summary>
    public SettingValue? Connection { get; init; }

    public string Container { get; init; } = DefaultContainer;
}

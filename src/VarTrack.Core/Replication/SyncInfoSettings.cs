using VarTrack.Core.Config;

namespace VarTrack.Core.Replication;

/// <summary>
/// Where sync info is kept: an Azure Storage connection string and container (<c>BlobSyncInfoStore</c>), Consul KV
/// under a key prefix (<c>ConsulSyncInfoStore</c>), or, with neither, VarTrack's own state store (<see cref="StateSyncInfoStore"/>).
/// </summary>
public sealed record SyncInfoSettings
{
    public const string DefaultContainer = "vartrack-vault-sync";

    /// <summary>Azure Storage connection string (<c>${ENV}</c> references; not <c>@secret(...)</c>: the store is opened at startup); null = the state store.</summary>
    public SettingValue? Connection { get; init; }

    public string Container { get; init; } = DefaultContainer;

    public const string DefaultConsulKeyPrefix = "vartrack/vault-sync";

    /// <summary>Consul's HTTP address (e.g. <c>http://127.0.0.1:8500</c>); null = not Consul.</summary>
    public SettingValue? ConsulAddress { get; init; }

    /// <summary>The ACL token (<c>X-Consul-Token</c>), a setting like the others.</summary>
    public SettingValue? ConsulToken { get; init; }

    public string ConsulKeyPrefix { get; init; } = DefaultConsulKeyPrefix;
}

using VarTrack.Core.Secrets;

namespace VarTrack.Core.Replication;

/// <summary>
/// What replication needs from one Vault cluster's KV v2 engine, and nothing more. Paths are split into the mount
/// (<c>secret</c>, <c>team/kv</c>) and the path inside it. Every failure is a <see cref="ReplicaVaultException"/> whose
/// message names the cluster and API path and never holds a secret value or a token.
/// </summary>
public interface IReplicaVault
{
    /// <summary>The origin or destination name in vartrack.yaml.</summary>
    string Name { get; }

    /// <summary>The cluster address as shown in messages (no credentials).</summary>
    string Address { get; }

    /// <summary>Keys directly under a folder ("" = the mount's root); folders end with '/'. Nothing there = empty.</summary>
    Task<IReadOnlyList<string>> ListAsync(string mount, string folder, CancellationToken cancellationToken = default);

    /// <summary>The key's metadata as an insight; null when the key does not exist.</summary>
    Task<SecretInsight?> ReadInsightAsync(string mount, string path, CancellationToken cancellationToken = default);

    /// <summary>The latest version's data; null when there is no readable latest version (missing, deleted, destroyed).</summary>
    Task<IReadOnlyDictionary<string, SecretValue>?> ReadSecretAsync(string mount, string path, CancellationToken cancellationToken = default);

    /// <summary>Writes the data as a new version.</summary>
    Task WriteSecretAsync(string mount, string path, IReadOnlyDictionary<string, SecretValue> data, CancellationToken cancellationToken = default);

    /// <summary>Soft-deletes the latest version; no error when the key does not exist.</summary>
    Task SoftDeleteLatestAsync(string mount, string path, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key's metadata and every version; no error when the key does not exist.</summary>
    Task DeleteMetadataAsync(string mount, string path, CancellationToken cancellationToken = default);

    /// <summary>The token's capabilities on each API path (<c>secret/data/x</c>), e.g. <c>read</c>, <c>list</c>, <c>root</c>, <c>deny</c>.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CapabilitiesAsync(IReadOnlyList<string> apiPaths, CancellationToken cancellationToken = default);
}

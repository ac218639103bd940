using VarTrack.Core.Replication;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// One cluster of the <c>replication:</c> section over <see cref="VaultClient"/> (KV v2). Errors become
/// <see cref="ReplicaVaultException"/>s carrying Vault's status and a message prefixed with the role, name and address
/// (the client's messages already hold no token or value). The client is not owned.
/// </summary>
public sealed class VaultReplicaVault(string role, string name, VaultClient client, TimeProvider? time = null) : IReplicaVault
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Name => name;

    public string Address => client.Address;

    public Task<IReadOnlyList<string>> ListAsync(string mount, string folder, CancellationToken cancellationToken = default) =>
        CallAsync(() => client.ListAsync(mount, folder, cancellationToken));

    public Task<SecretInsight?> ReadInsightAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        CallAsync(async () => await client.ReadMetadataAsync(mount, path, cancellationToken).ConfigureAwait(false) is { } metadata ? Insight(metadata, _time.GetUtcNow()) : null);

    public Task<IReadOnlyDictionary<string, SecretValue>?> ReadSecretAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        CallAsync(async () => (await client.ReadSecretAsync(mount, path, version: null, cancellationToken).ConfigureAwait(false))?.Data);

    public Task WriteSecretAsync(string mount, string path, IReadOnlyDictionary<string, SecretValue> data, CancellationToken cancellationToken = default) =>
        CallAsync(async () => await client.WriteSecretAsync(mount, path, data, cas: null, cancellationToken).ConfigureAwait(false));

    public Task SoftDeleteLatestAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await client.DeleteLatestAsync(mount, path, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task DeleteMetadataAsync(string mount, string path, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await client.DeleteMetadataAsync(mount, path, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CapabilitiesAsync(IReadOnlyList<string> apiPaths, CancellationToken cancellationToken = default) =>
        CallAsync(() => client.CapabilitiesAsync(apiPaths, cancellationToken));

    /// <summary>
    /// The latest version decides the state: destroyed, soft-deleted (a deletion time that has passed; a future one is
    /// only scheduled) or active. A key with metadata but no version yet counts as deleted: there is nothing to copy.
    /// </summary>
    public static SecretInsight Insight(KvMetadata metadata, DateTimeOffset now)
    {
        var state = metadata.Versions.TryGetValue(metadata.CurrentVersion, out var latest)
            ? latest.Destroyed ? SecretState.Destroyed
            : latest.DeletionTime is { } deleted && deleted <= now ? SecretState.Deleted
            : SecretState.Active
            : SecretState.Deleted;
        return new SecretInsight(metadata.CurrentVersion, metadata.UpdatedTime, state);
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (VaultException ex)
        {
            throw new ReplicaVaultException(ex.StatusCode is { } status ? (int)status : null, $"{role} '{name}' at {client.Address}: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            // A path Vault could not address as written (an empty, '.' or '..' segment): it concerns that path only.
            throw new ReplicaVaultException(null, $"{role} '{name}' at {client.Address}: {ex.Message}", ex);
        }
    }
}

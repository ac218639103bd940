using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// <see cref="ISecretStore"/> over a KV v2 engine: <c>mount/path/to/secret</c> reads the latest version of
/// <c>path/to/secret</c> in the KV v2 mount <c>mount</c>. The client is not owned (not disposed) by the store.
/// </summary>
public sealed class VaultSecretStore : ISecretStore
{
    private readonly VaultClient _client;

    public VaultSecretStore(VaultClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    public async Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim('/');
        var slash = trimmed.IndexOf('/');
        if (slash <= 0 || slash == trimmed.Length - 1)
        {
            throw new SecretStoreException(path, $"secret path '{path}' must be 'mount/path/to/secret'");
        }

        var mount = trimmed[..slash];
        var secretPath = trimmed[(slash + 1)..];
        KvSecret? secret;
        try
        {
            secret = await _client.ReadSecretAsync(mount, secretPath, version: null, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultException e)
        {
            throw new SecretStoreException(path, $"cannot read secret '{path}': {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new SecretStoreException(path, $"secret path '{path}' is not a valid vault path: {e.Message}", e);
        }

        return secret?.Data ?? throw new SecretStoreException(path, await DescribeMissingAsync(path, mount, secretPath, cancellationToken).ConfigureAwait(false))
        {
            NotFound = true,
        };
    }

    /// <summary>
    /// Vault answers 404 both for a missing secret and for a deleted latest version; the metadata tells which. A policy
    /// may allow reading data but not metadata, so a failure here only costs the detail.
    /// </summary>
    private async Task<string> DescribeMissingAsync(string path, string mount, string secretPath, CancellationToken cancellationToken)
    {
        KvMetadata? metadata;
        try
        {
            metadata = await _client.ReadMetadataAsync(mount, secretPath, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultException)
        {
            return $"secret '{path}' was not found in vault at {_client.Address}";
        }

        if (metadata is null || metadata.CurrentVersion == 0)
        {
            return $"secret '{path}' does not exist in vault at {_client.Address}";
        }

        var state = metadata.Versions.TryGetValue(metadata.CurrentVersion, out var latest) && latest.Destroyed ? "destroyed" : "deleted";
        return $"secret '{path}' has no readable latest version in vault at {_client.Address}: version {metadata.CurrentVersion} is {state}";
    }
}

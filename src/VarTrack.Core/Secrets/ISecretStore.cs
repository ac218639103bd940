namespace VarTrack.Core.Secrets;

/// <summary>
/// Reads secrets at write time. The Vault KV v2 client implements it in the connectors layer.
/// <paramref name="path"/> is <c>mount/path/to/secret</c>: the first segment is the KV v2 mount.
/// Implementations throw <see cref="SecretStoreException"/> for a missing secret or a store failure; the message names
/// the path, never a value.
/// </summary>
public interface ISecretStore
{
    Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default);
}

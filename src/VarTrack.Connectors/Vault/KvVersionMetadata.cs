namespace VarTrack.Connectors.Vault;

/// <summary>
/// The state of one version of a KV v2 secret. <see cref="DeletionTime"/> is null when the version is not (and is not
/// scheduled to be) soft-deleted; it may lie in the future when the mount or key sets <c>delete_version_after</c>.
/// </summary>
public sealed record KvVersionMetadata(int Version, DateTimeOffset CreatedTime, DateTimeOffset? DeletionTime, bool Destroyed);

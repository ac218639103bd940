using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// One readable version of a KV v2 secret. Values that Vault holds as JSON strings are given as written; any other
/// JSON value (number, boolean, object, array, null) is given as its JSON text.
/// </summary>
public sealed record KvSecret(IReadOnlyDictionary<string, SecretValue> Data, KvVersionMetadata Metadata);

using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>A fixed Vault token sent as <c>X-Vault-Token</c>. It is never renewed; an expired token fails with 403.</summary>
public sealed record TokenAuth(SecretValue Token) : VaultAuth;

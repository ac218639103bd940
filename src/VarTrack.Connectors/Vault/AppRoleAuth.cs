using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// AppRole login (<c>POST /v1/auth/{Mount}/login</c>). The client logs in on first use, caches the token and logs in
/// again before its lease runs out or once after a 403. The role id is an identifier, not a secret; the secret id is.
/// </summary>
public sealed record AppRoleAuth(string RoleId, SecretValue SecretId, string Mount = "approle") : VaultAuth;

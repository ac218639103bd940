namespace VarTrack.Core.Config;

/// <summary>Connection to HashiCorp Vault (KV v2) for <c>@secret(...)</c> references.</summary>
public sealed record VaultSettings(SettingValue Address)
{
    public SettingValue? Namespace { get; init; }

    /// <summary><c>token</c> or <c>approle</c>.</summary>
    public string AuthMethod { get; init; } = "token";

    public SettingValue? Token { get; init; }

    public SettingValue? RoleId { get; init; }

    public SettingValue? SecretId { get; init; }

    public string AppRoleMount { get; init; } = "approle";

    /// <summary>PEM file of the CA that signed Vault's certificate, relative to vartrack.yaml.</summary>
    public string? CaCertificate { get; init; }

    public bool SkipTlsVerify { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

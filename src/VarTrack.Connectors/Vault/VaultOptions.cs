namespace VarTrack.Connectors.Vault;

/// <summary>Where and how <see cref="VaultClient"/> talks to one Vault cluster.</summary>
public sealed record VaultOptions
{
    /// <summary>The cluster address, e.g. <c>https://vault.example.com:8200</c>; a path prefix (behind a proxy) is kept.</summary>
    public required Uri Address { get; init; }

    /// <summary>Vault Enterprise namespace sent as <c>X-Vault-Namespace</c> on every request (login included); null for root.</summary>
    public string? Namespace { get; init; }

    public required VaultAuth Auth { get; init; }

    /// <summary>
    /// PEM file with one or more CA certificates. When set, the server certificate must chain to one of them (and only
    /// them, like <c>VAULT_CACERT</c>); the host name must still match. When null, the system trust store is used.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>
    /// Accept any server certificate. DANGEROUS: anyone on the network path can impersonate Vault and collect the
    /// token and every secret written. Only for local development against a self-signed dev server.
    /// </summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary>Limit for one HTTP exchange (connect, send, read the whole answer).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

namespace VarTrack.Connectors.Vault;

/// <summary>How <see cref="VaultClient"/> authenticates: <see cref="TokenAuth"/> or <see cref="AppRoleAuth"/>.</summary>
public abstract record VaultAuth
{
    // Closed hierarchy: the client knows every kind of authentication.
    private protected VaultAuth()
    {
    }
}

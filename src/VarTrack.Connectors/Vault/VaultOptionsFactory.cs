using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Vault;

/// <summary>Turns the validated <c>vault:</c> section of vartrack.yaml into client options, reading ${ENV} references.</summary>
public static class VaultOptionsFactory
{
    public static VaultOptions Create(VaultSettings settings, string baseDirectory, SettingResolver resolver)
    {
        var addressText = resolver.ResolveText(settings.Address, "vault 'address'");
        if (!Uri.TryCreate(addressText, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new VarTrackException(new Problem($"vault 'address' must be an http(s) URL, found '{addressText}'"));
        VaultAuth auth = settings.AuthMethod == "approle"
            ? new AppRoleAuth(
                resolver.ResolveText(settings.RoleId!, "vault 'role_id'"),
                new SecretValue(resolver.ResolveText(settings.SecretId!, "vault 'secret_id'")),
                settings.AppRoleMount)
            : new TokenAuth(new SecretValue(resolver.ResolveText(settings.Token!, "vault 'token'")));
        return new VaultOptions
        {
            Address = address,
            Namespace = settings.Namespace is null ? null : resolver.ResolveText(settings.Namespace, "vault 'namespace'"),
            Auth = auth,
            CaCertificatePath = settings.CaCertificate is null ? null : Path.Combine(baseDirectory, settings.CaCertificate),
            SkipTlsVerify = settings.SkipTlsVerify,
            Timeout = settings.Timeout,
        };
    }
}

using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VarTrack.Connectors.Vault;

/// <summary>Builds the HTTP handler that applies <see cref="VaultOptions"/>' TLS settings.</summary>
internal static class VaultTls
{
    public static SocketsHttpHandler CreateHandler(VaultOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            // Re-resolve DNS now and then so a fail-over to another Vault node is picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // A performance standby may answer 307 to the active node; Vault's own client follows it with the
            // token, as does this handler (it keeps method, body and X-Vault-* headers, and never downgrades to http).
            MaxAutomaticRedirections = 3,
        };

        if (options.SkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (options.CaCertificatePath is { } caPath)
        {
            var roots = LoadRoots(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, chain, errors) => ChainsToRoots(certificate, chain, errors, roots);
        }

        return handler;
    }

    private static X509Certificate2Collection LoadRoots(string caPath)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"cannot read the vault CA certificate file '{caPath}': {e.Message}", nameof(VaultOptions.CaCertificatePath), e);
        }

        return roots.Count > 0
            ? roots
            : throw new ArgumentException($"the vault CA certificate file '{caPath}' holds no PEM certificate", nameof(VaultOptions.CaCertificatePath));
    }

    private static bool ChainsToRoots(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        // A missing certificate or a host name mismatch is never excused by a private CA.
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}

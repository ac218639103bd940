using System.Security.Cryptography;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Files;

/// <summary>
/// The <c>host_key</c> setting: the only server key the SFTP connection accepts. Either the public key line
/// (<c>ssh-ed25519 AAAA... [comment]</c>, as in the server's <c>/etc/ssh/ssh_host_ed25519_key.pub</c> or a
/// known_hosts line without the host name) or its SHA256 fingerprint (<c>SHA256:...</c>, as <c>ssh-keygen -lf</c>
/// prints). There is no trust on first use and no prompt: any other key is refused.
/// </summary>
internal sealed class SshHostKeyPin
{
    private SshHostKeyPin(string fingerprint, string? keyType)
    {
        Fingerprint = fingerprint;
        KeyType = keyType;
    }

    /// <summary><c>SHA256:</c> followed by unpadded base64, as OpenSSH prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>The key's type when the pin is a key line (the connection then negotiates only that type), else null.</summary>
    public string? KeyType { get; }

    public static SshHostKeyPin Parse(string text, string sinkName)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            var digest = trimmed["SHA256:".Length..];
            if (!TryDecodeBase64(digest, out var bytes) || bytes.Length != 32)
                throw Invalid(sinkName, "a SHA256 fingerprint is 'SHA256:' and 43 base64 characters, as 'ssh-keygen -lf' prints");
            return new SshHostKeyPin("SHA256:" + digest.TrimEnd('='), null);
        }
        var parts = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 2 && TryDecodeBase64(parts[1], out var blob) && blob.Length > 4)
            return new SshHostKeyPin(FingerprintOf(blob), parts[0]);
        throw Invalid(sinkName, "expected the server's public key line ('ssh-ed25519 AAAA...') or its fingerprint ('SHA256:...')");
    }

    public static string FingerprintOf(byte[] keyBlob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    public bool Matches(byte[] offeredKeyBlob) => string.Equals(FingerprintOf(offeredKeyBlob), Fingerprint, StringComparison.Ordinal);

    /// <summary>The host key algorithms that use a key of the pinned type (an RSA key serves three).</summary>
    public bool Allows(string algorithm) => KeyType is null ? !algorithm.Contains("-cert-", StringComparison.Ordinal)
        : KeyType == "ssh-rsa" ? algorithm is "rsa-sha2-512" or "rsa-sha2-256" or "ssh-rsa"
        : algorithm == KeyType;

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var padded = text.TrimEnd('=');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        bytes = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, bytes, out var written) && (bytes = bytes[..written]).Length > 0;
    }

    private static VarTrackException Invalid(string sinkName, string reason) =>
        new(new Problem($"sink '{sinkName}' (type file): 'host_key' is not valid: {reason}"));
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// Ed25519 signatures of binaries (BouncyCastle). Keys are the PEM files OpenSSL writes
/// (<c>openssl genpkey -algorithm ed25519 -out release.key</c>, <c>openssl pkey -in release.key -pubout -out release.pub</c>).
/// The signed statement binds the bytes (digest and size) to the project, release and platform, so a valid signature
/// cannot be moved to another release's record. The key id is <c>ed25519:</c> and the first 16 hex digits of the
/// SHA-256 of the raw public key. Key material never appears in a message.
/// </summary>
public static class BinarySignature
{
    public const string KeyIdPrefix = "ed25519:";

    /// <summary>The exact bytes signed: one line each of a version tag, project, release, platform, digest, size.</summary>
    public static byte[] Statement(string project, string releaseId, string os, string arch, string digest, long size) =>
        Encoding.UTF8.GetBytes($"vartrack-binary-v1\n{project}\n{releaseId}\n{os}-{arch}\n{digest}\n{size.ToString(CultureInfo.InvariantCulture)}\n");

    /// <summary>Signs with a PKCS#8 PEM private key; returns the base64 signature and the key id.</summary>
    public static (string Signature, string KeyId) Sign(byte[] statement, string privateKeyPem, string keyName)
    {
        var key = PrivateKey(privateKeyPem, keyName);
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(statement, 0, statement.Length);
        return (Convert.ToBase64String(signer.GenerateSignature()), KeyIdOf(key.GeneratePublicKey()));
    }

    /// <summary>True when <paramref name="signature"/> (base64) is a valid signature of the statement by the public key.</summary>
    public static bool Verify(byte[] statement, string signature, Ed25519PublicKeyParameters publicKey)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(statement, 0, statement.Length);
        return verifier.VerifySignature(bytes);
    }

    public static string KeyIdOf(Ed25519PublicKeyParameters publicKey) =>
        KeyIdPrefix + Convert.ToHexStringLower(SHA256.HashData(publicKey.GetEncoded()))[..16];

    public static bool IsKeyId(string text) =>
        text.StartsWith(KeyIdPrefix, StringComparison.Ordinal) && text.Length == KeyIdPrefix.Length + 16 && text[KeyIdPrefix.Length..].All(char.IsAsciiHexDigitLower);

    /// <summary>A PKCS#8 PEM Ed25519 private key (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    public static Ed25519PrivateKeyParameters PrivateKey(string pem, string keyName) =>
        Decode(pem, "PRIVATE KEY", keyName, PrivateKeyFactory.CreateKey) as Ed25519PrivateKeyParameters
        ?? throw NotEd25519(keyName, "private");

    /// <summary>An SPKI PEM Ed25519 public key (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public static Ed25519PublicKeyParameters PublicKey(string pem, string keyName) =>
        Decode(pem, "PUBLIC KEY", keyName, PublicKeyFactory.CreateKey) as Ed25519PublicKeyParameters
        ?? throw NotEd25519(keyName, "public");

    private static AsymmetricKeyParameter Decode(string pem, string label, string keyName, Func<byte[], AsymmetricKeyParameter> factory)
    {
        var begin = $"-----BEGIN {label}-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        var end = pem.IndexOf($"-----END {label}-----", StringComparison.Ordinal);
        if (start < 0 || end < start)
            throw new VarTrackException(new Problem($"key {keyName} is not a PEM {label.ToLowerInvariant()} ('{begin}'); create one with openssl genpkey -algorithm ed25519"));
        try
        {
            return factory(Convert.FromBase64String(pem[(start + begin.Length)..end]));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidCastException or InvalidOperationException or IOException or SecurityUtilityException)
        {
            throw new VarTrackException(new Problem($"key {keyName} cannot be read as a PEM {label.ToLowerInvariant()}"));
        }
    }

    private static VarTrackException NotEd25519(string keyName, string kind) =>
        new(new Problem($"key {keyName} is not an Ed25519 {kind} key; create one with openssl genpkey -algorithm ed25519"));
}

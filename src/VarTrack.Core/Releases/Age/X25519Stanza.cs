using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The X25519 recipient type: the file key is wrapped with ChaCha20-Poly1305 (zero nonce) under
/// HKDF-SHA-256(ikm = X25519(ephemeral secret, recipient), salt = ephemeral share || recipient,
/// info = "age-encryption.org/v1/X25519"); the stanza is <c>-> X25519 &lt;base64 ephemeral share&gt;</c> + the 32-byte body.
/// </summary>
internal static class X25519Stanza
{
    public const string Type = "X25519";
    private const string Info = "age-encryption.org/v1/X25519";
    private const int KeySize = 32;
    private const int BodySize = 32; // 16-byte file key + 16-byte tag
    private static readonly byte[] ZeroNonce = new byte[12];

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> secretKey) =>
        new X25519PrivateKeyParameters(secretKey).GeneratePublicKey().GetEncoded();

    /// <summary>
    /// False for the low-order points, where every shared secret is all zero (any clamped scalar is a multiple of the
    /// cofactor 8, so one multiplication tells).
    /// </summary>
    public static bool IsUsablePublicKey(ReadOnlySpan<byte> publicKey) =>
        SharedSecret(RandomNumberGenerator.GetBytes(KeySize), publicKey) is not null;

    public static AgeStanza Wrap(ReadOnlySpan<byte> fileKey, AgeRecipient recipient)
    {
        var ephemeralSecret = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var share = PublicKeyOf(ephemeralSecret);
            var shared = SharedSecret(ephemeralSecret, recipient.PublicKey)
                ?? throw new AgeFormatException($"age recipient '{recipient}' is a low-order curve point, not a usable X25519 public key");
            var wrapKey = WrapKey(shared, share, recipient.PublicKey);
            var body = AgeCrypto.Seal(wrapKey, ZeroNonce, fileKey);
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(wrapKey);
            return new AgeStanza([Type, AgeBase64.Encode(share)], body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralSecret);
        }
    }

    /// <summary>
    /// Checks an X25519 stanza's shape (the spec requires malformed ones to be refused, not skipped): exactly one
    /// argument after the type, a canonical base64 32-byte share, a 32-byte body.
    /// </summary>
    public static byte[] ValidateAndGetShare(AgeStanza stanza)
    {
        if (stanza.Arguments.Count != 2)
            throw Malformed(stanza, $"must have exactly one argument after 'X25519' (the ephemeral share), it has {stanza.Arguments.Count - 1}");
        if (!AgeBase64.TryDecode(System.Text.Encoding.ASCII.GetBytes(stanza.Arguments[1]), out var share, out var error))
            throw Malformed(stanza, $"ephemeral share {error}");
        if (share.Length != KeySize)
            throw Malformed(stanza, $"ephemeral share is {share.Length} bytes, expected {KeySize}");
        // Checked before any decryption attempt so a wrong length cannot act as a partitioning oracle.
        if (stanza.Body.Length != BodySize)
            throw Malformed(stanza, $"body is {stanza.Body.Length} bytes, expected {BodySize}");
        return share;
    }

    /// <summary>The file key, or null when the stanza was made for another recipient.</summary>
    public static byte[]? TryUnwrap(AgeStanza stanza, AgeIdentity identity)
    {
        var share = ValidateAndGetShare(stanza);
        var recipient = identity.Recipient.PublicKey;
        var shared = SharedSecret(identity.SecretKey, share)
            ?? throw Malformed(stanza, "ephemeral share is a low-order curve point (the shared secret is all zero)");
        var wrapKey = WrapKey(shared, share, recipient);
        var fileKey = AgeCrypto.TryOpen(wrapKey, ZeroNonce, stanza.Body);
        CryptographicOperations.ZeroMemory(shared);
        CryptographicOperations.ZeroMemory(wrapKey);
        return fileKey;
    }

    private static byte[] WrapKey(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> share, ReadOnlySpan<byte> recipient)
    {
        var salt = new byte[share.Length + recipient.Length];
        share.CopyTo(salt);
        recipient.CopyTo(salt.AsSpan(share.Length));
        return AgeCrypto.Hkdf(shared, salt, Info);
    }

    private static byte[]? SharedSecret(ReadOnlySpan<byte> secretKey, ReadOnlySpan<byte> publicKey)
    {
        var secret = new byte[KeySize];
        try
        {
            new X25519PrivateKeyParameters(secretKey).GenerateSecret(new X25519PublicKeyParameters(publicKey), secret);
        }
        catch (InvalidOperationException)
        {
            return null; // BouncyCastle refuses an all-zero result (a low-order point)
        }
        return secret.AsSpan().IndexOfAnyExcept((byte)0) < 0 ? null : secret;
    }

    private static AgeFormatException Malformed(AgeStanza stanza, string problem) =>
        new($"age header line {stanza.Line}: X25519 stanza {problem}", stanza.Line, stanza.Offset);
}

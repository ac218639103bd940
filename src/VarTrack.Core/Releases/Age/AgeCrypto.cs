using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using ChaCha20Poly1305 = Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305;
using Org.BouncyCastle.Crypto.Parameters;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The primitives the age spec names: HKDF-SHA-256 with 32-byte output, HMAC-SHA-256 and ChaCha20-Poly1305
/// (RFC 7539). ChaCha20-Poly1305 comes from BouncyCastle so it works on every platform the app runs on (.NET's
/// own type depends on the OS crypto library).
/// </summary>
internal static class AgeCrypto
{
    public const int TagSize = 16;

    public static byte[] Hkdf(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, string info)
    {
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, key, salt, System.Text.Encoding.ASCII.GetBytes(info));
        return key;
    }

    public static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="output"/> (plaintext length + 16).</summary>
    public static void Seal(ChaCha20Poly1305 cipher, KeyParameter key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        cipher.Init(true, new AeadParameters(key, TagSize * 8, nonce.ToArray()));
        var written = cipher.ProcessBytes(plaintext, output);
        cipher.DoFinal(output[written..]);
    }

    /// <summary>
    /// Decrypts and authenticates into <paramref name="output"/> (ciphertext length - 16); false (and a zeroed
    /// output) when the tag does not match.
    /// </summary>
    public static bool TryOpen(ChaCha20Poly1305 cipher, KeyParameter key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, Span<byte> output)
    {
        cipher.Init(false, new AeadParameters(key, TagSize * 8, nonce.ToArray()));
        try
        {
            var written = cipher.ProcessBytes(ciphertext, output);
            cipher.DoFinal(output[written..]);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            CryptographicOperations.ZeroMemory(output);
            return false;
        }
    }

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagSize];
        Seal(new ChaCha20Poly1305(), new KeyParameter(key.ToArray()), nonce, plaintext, output);
        return output;
    }

    public static byte[]? TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext)
    {
        if (ciphertext.Length < TagSize) return null;
        var output = new byte[ciphertext.Length - TagSize];
        return TryOpen(new ChaCha20Poly1305(), new KeyParameter(key.ToArray()), nonce, ciphertext, output) ? output : null;
    }
}

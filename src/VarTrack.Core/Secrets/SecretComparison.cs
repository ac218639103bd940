using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Core.Secrets;

/// <summary>
/// Compares a secret a caller presents (a token, a shared webhook secret) with the expected one in constant time.
/// Both sides are hashed first, so the time taken reveals neither the content nor the length of the expected secret
/// (<see cref="CryptographicOperations.FixedTimeEquals"/> alone returns early on a length mismatch).
/// </summary>
public static class SecretComparison
{
    /// <summary>The SHA-256 of the secret's UTF-8 form; keep it instead of the secret when comparing many times.</summary>
    public static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string presented, string expected) => Matches(Digest(presented), Digest(expected));

    public static bool Matches(byte[] presentedDigest, byte[] expectedDigest) => CryptographicOperations.FixedTimeEquals(presentedDigest, expectedDigest);
}

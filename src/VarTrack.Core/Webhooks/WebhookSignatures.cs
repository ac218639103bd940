using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Webhooks;

/// <summary>Constant-time checks of the credentials platforms send with a delivery.</summary>
internal static class WebhookSignatures
{
    /// <summary>
    /// Checks <c>prefix + hex(HMAC-SHA256(secret, body))</c>. The hex is decoded and compared as bytes in constant
    /// time, so upper- or lower-case hex both verify; a wrong prefix, a wrong length or a non-hex character is Invalid.
    /// </summary>
    public static SignatureCheck HmacSha256(string? header, string prefix, string secret, ReadOnlySpan<byte> body)
    {
        if (header is null) return SignatureCheck.Missing;
        if (!header.StartsWith(prefix, StringComparison.Ordinal)) return SignatureCheck.Invalid;
        var hex = header.AsSpan(prefix.Length);
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (hex.Length != 2 * HMACSHA256.HashSizeInBytes
            || Convert.FromHexString(hex, given, out _, out var written) != OperationStatus.Done
            || written != given.Length)
            return SignatureCheck.Invalid;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    /// <summary>A shared token sent in clear (GitLab), compared with <see cref="SecretComparison"/>.</summary>
    public static SignatureCheck Token(string? header, string secret)
    {
        if (header is null) return SignatureCheck.Missing;
        return SecretComparison.Matches(header, secret) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }
}

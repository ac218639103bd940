using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// One file of a payload as sent: <c>{path, content, mode?, encoding: utf8|base64, sha256}</c>. <see cref="Sha256"/> is
/// the lowercase hex SHA-256 of the decoded bytes, so the client checks what it will write, not the transport text.
/// </summary>
public sealed record NodeFile(string Path, string Content, string Encoding, string Sha256)
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";

    /// <summary>Octal permission bits (e.g. <c>0600</c> for secret files); null: the client's default.</summary>
    public string? Mode { get; init; }

    /// <summary>The wire form of an artifact: UTF-8 text when the bytes are valid UTF-8 without NUL, else base64.</summary>
    public static NodeFile From(NodeArtifact artifact)
    {
        var bytes = artifact.Content;
        var text = IsText(bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        return new NodeFile(artifact.Path, text ?? Convert.ToBase64String(bytes), text is null ? Base64 : Utf8, HashOf(bytes)) { Mode = artifact.Mode };
    }

    /// <summary>The bytes this file holds; throws <see cref="FormatException"/> for an unknown encoding or bad base64.</summary>
    public byte[] Decode() => Encoding switch
    {
        Utf8 => System.Text.Encoding.UTF8.GetBytes(Content),
        Base64 => Convert.FromBase64String(Content),
        _ => throw new FormatException($"unknown encoding '{Encoding}' (expected {Utf8} or {Base64})"),
    };

    public static string HashOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static bool IsText(byte[] bytes)
    {
        if (bytes.AsSpan().IndexOf((byte)0) >= 0) return false;
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

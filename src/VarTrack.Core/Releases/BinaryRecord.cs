using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>projects/&lt;project&gt;/binaries/&lt;release&gt;/&lt;os&gt;-&lt;arch&gt;.json</c>, immutable: one built artifact on
/// immutable storage. <see cref="Digest"/> is <c>sha256:&lt;hex&gt;</c>; <see cref="Signature"/> is the base64 Ed25519
/// signature of <see cref="BinarySignature.Statement"/> by the key <see cref="KeyId"/>.
/// </summary>
public sealed partial record BinaryRecord(string Digest, long Size, string Url, string Signature, string KeyId) : MetaRecord
{
    public const int SchemaVersion = 1;
    public const string DigestPrefix = "sha256:";
    private const string Kind = "binary";

    /// <summary>The lowercase hex of the SHA-256, without the prefix.</summary>
    public string DigestHex => Digest[DigestPrefix.Length..];

    public override JsonObject ToJson() => new()
    {
        ["schema_version"] = SchemaVersion,
        ["digest"] = Digest,
        ["size"] = Size,
        ["url"] = Url,
        ["signature"] = Signature,
        ["key_id"] = KeyId,
    };

    public static BinaryRecord Parse(JsonObject json, MetaPath path)
    {
        var fields = new RecordFields(json, path.Path, Kind, SchemaVersion, "digest", "size", "url", "signature", "key_id");
        var digest = fields.Text("digest");
        var size = fields.Integer("size");
        var url = fields.Text("url", maxLength: 2048);
        var signature = fields.Text("signature");
        var keyId = fields.Text("key_id");
        foreach (var problem in Problems(digest, size, url, signature, keyId)) fields.Add(problem);
        fields.ThrowIfAny();
        return new BinaryRecord(digest!, size!.Value, url!, signature!, keyId!);
    }

    public BinaryRecord Validated()
    {
        var problems = Problems(Digest, Size, Url, Signature, KeyId).Select(m => new Problem(m)).ToList();
        return problems.Count > 0 ? throw new VarTrackException(problems) : this;
    }

    /// <summary>Accepts <c>sha256:&lt;hex&gt;</c> or bare hex (any case); returns the canonical <c>sha256:&lt;lowercase hex&gt;</c>.</summary>
    public static string NormalizeDigest(string digest)
    {
        var text = digest.Trim();
        if (text.StartsWith(DigestPrefix, StringComparison.OrdinalIgnoreCase)) text = text[DigestPrefix.Length..];
        text = text.ToLowerInvariant();
        return HexShape().IsMatch(text)
            ? DigestPrefix + text
            : throw new VarTrackException(new Problem($"binary digest {MetaNames.Shown(digest)} is invalid: use sha256:<64 hexadecimal digits>"));
    }

    private static IEnumerable<string> Problems(string? digest, long? size, string? url, string? signature, string? keyId)
    {
        if (digest is not null && (!digest.StartsWith(DigestPrefix, StringComparison.Ordinal) || !HexShape().IsMatch(digest[DigestPrefix.Length..])))
            yield return $"'digest' {MetaNames.Shown(digest)} must be sha256:<64 lowercase hexadecimal digits>";
        if (size is < 0) yield return "'size' must not be negative";
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme.Length == 0 || url.Any(char.IsWhiteSpace)))
            yield return $"'url' {MetaNames.Shown(url)} must be an absolute URL";
        if (signature is not null && !IsSignature(signature)) yield return "'signature' must be a base64 Ed25519 signature (64 bytes)";
        if (keyId is not null && !BinarySignature.IsKeyId(keyId)) yield return $"'key_id' {MetaNames.Shown(keyId)} must be ed25519:<16 hexadecimal digits>";
    }

    private static bool IsSignature(string text)
    {
        Span<byte> bytes = stackalloc byte[96];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 64;
    }

    [GeneratedRegex(@"\A[0-9a-f]{64}\z")]
    private static partial Regex HexShape();
}

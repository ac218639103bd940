using System.Text.RegularExpressions;

namespace VarTrack.Core.Secrets;

/// <summary>
/// <c>@secret(mount/path#key)</c> names one field of a Vault KV v2 secret; <c>@secret(mount/path)</c> names the whole
/// secret (every field becomes a sub-key). The reference is not secret; the value it names is.
/// </summary>
public sealed partial record SecretReference(string Path, string? Key)
{
    public const string Prefix = "@secret(";

    public bool IsWholeSecret => Key is null;

    public override string ToString() => Key is null ? $"@secret({Path})" : $"@secret({Path}#{Key})";

    /// <summary>True when the text is meant as a reference (starts with <c>@secret(</c>), well-formed or not.</summary>
    public static bool LooksLikeReference(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Parses a whole-value reference. A text that starts like one but is malformed gives an error saying how.</summary>
    public static bool TryParse(string text, out SecretReference? reference, out string? error)
    {
        reference = null;
        error = null;
        if (!LooksLikeReference(text)) return false;
        var m = Shape().Match(text);
        if (!m.Success)
        {
            error = "malformed secret reference; expected @secret(mount/path#key) or @secret(mount/path)";
            return false;
        }
        var path = m.Groups["path"].Value;
        if (!path.Contains('/') || path.StartsWith('/') || path.EndsWith('/') || path.Contains("//"))
        {
            error = $"secret path '{path}' must be 'mount/path' (the first segment is the KV v2 mount)";
            return false;
        }
        reference = new SecretReference(path, m.Groups["key"].Success ? m.Groups["key"].Value : null);
        return true;
    }

    [GeneratedRegex(@"^@secret\((?<path>[^()#\s]+)(?:#(?<key>[^()#\s]+))?\)$")]
    private static partial Regex Shape();
}

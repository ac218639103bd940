using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Git;

/// <summary>Clone URL handling: credential scrubbing for messages, the cache folder name, and what transport a URL uses.</summary>
internal static partial class GitUrl
{
    /// <summary>
    /// The URL without credentials, safe for messages and config: <c>https://user:token@host/x</c> → <c>https://host/x</c>
    /// (an HTTP user name may itself be a token); SSH keeps its user name (never a secret) and drops only a password.
    /// </summary>
    public static string Scrub(string url) => IsSsh(url) ? SshPassword().Replace(url, "@") : UserInfo().Replace(url, "");

    /// <summary>User name and password written into an HTTP URL (<c>https://user:token@host</c>), unescaped; null when none.</summary>
    public static (string User, string Password)? HttpUserInfo(string url)
    {
        if (!IsHttp(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0) return null;
        var colon = uri.UserInfo.IndexOf(':');
        return colon < 0
            ? (Uri.UnescapeDataString(uri.UserInfo), "")
            : (Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
    }

    /// <summary>Scrubs every URL in a library's message and removes the secrets we handed to the library, should it echo one.</summary>
    public static string ScrubText(string text, params string?[] secrets) =>
        new SecretScrubber(secrets.OfType<string>()).Scrub(UserInfo().Replace(text, ""));

    /// <summary>The cache folder of a clone URL: a hash of the scrubbed URL (no credential, stable across token rotation).</summary>
    public static string FolderName(string url) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Scrub(url.Trim()).TrimEnd('/'))))[..32];

    /// <summary><c>ssh://</c> URLs and the scp-like <c>user@host:path</c> form (which has no scheme).</summary>
    public static bool IsSsh(string url)
    {
        if (url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase)) return true;
        if (url.Contains("://", StringComparison.Ordinal)) return false;
        var colon = url.IndexOf(':');
        var slash = url.IndexOf('/');
        // A colon before any slash, and not a Windows drive letter (C:\ or C:/).
        return colon > 1 && (slash < 0 || colon < slash);
    }

    public static bool IsHttp(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"(?<=://)[^/@\s]+@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<=^ssh://[^/@:\s]*):[^/@\s]*@", RegexOptions.IgnoreCase)]
    private static partial Regex SshPassword();
}

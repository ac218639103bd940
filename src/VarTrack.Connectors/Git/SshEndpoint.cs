using System.Globalization;

namespace VarTrack.Connectors.Git;

/// <summary>Where an SSH clone URL points: <c>ssh://[user@]host[:port]/path</c> or scp-like <c>[user@]host:path</c>.</summary>
internal sealed record SshEndpoint(string? User, string Host, int Port, string Path)
{
    public static SshEndpoint Parse(string url)
    {
        if (url.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                throw new FormatException("not a valid ssh:// URL");
            var path = Uri.UnescapeDataString(uri.AbsolutePath);
            // ssh://host/~/repo and ssh://host/~user/repo are relative to a home folder, as git reads them.
            if (path.StartsWith("/~", StringComparison.Ordinal)) path = path[1..];
            var user = uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
            return new SshEndpoint(user, uri.Host.Trim('[', ']'), uri.Port > 0 ? uri.Port : 22, path);
        }
        var at = url.IndexOf('@');
        var colon = url.IndexOf(':', at + 1);
        if (colon < 0 || colon == at + 1 || colon == url.Length - 1) throw new FormatException("not a valid user@host:path URL");
        return new SshEndpoint(at > 0 ? url[..at] : null, url[(at + 1)..colon], 22, url[(colon + 1)..]);
    }

    /// <summary>The command the server runs, its path single-quoted as git quotes it.</summary>
    public string Command(string service) => $"{service} '{Path.Replace("'", @"'\''", StringComparison.Ordinal)}'";

    public override string ToString() => Port == 22 ? Host : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}

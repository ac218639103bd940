using System.Globalization;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>
/// A parsed <c>host:port[,host:port...][/chroot]</c>: hosts in the order they are tried (port 2181 when omitted,
/// IPv6 as <c>[::1]:2181</c>) and an optional chroot that every path is relative to.
/// </summary>
public sealed record ZooKeeperConnectionString(IReadOnlyList<(string Host, int Port)> Hosts, string? Chroot)
{
    public const int DefaultPort = 2181;

    /// <summary>Parses the text; a malformed one throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ZooKeeperConnectionString Parse(string text)
    {
        var slash = text.IndexOf('/');
        var hostsText = slash < 0 ? text : text[..slash];
        string? chroot = slash < 0 ? null : text[slash..];
        if (chroot == "/") chroot = null;
        if (chroot is not null && ZooKeeperPath.Problem(chroot) is { } chrootProblem)
            throw new FormatException($"chroot '{chroot}' is not a valid znode path: {chrootProblem}");

        var hosts = new List<(string, int)>();
        foreach (var part in hostsText.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) throw new FormatException("a host is missing (empty entry in the host list)");
            hosts.Add(ParseHost(part));
        }
        return new ZooKeeperConnectionString(hosts, chroot);
    }

    private static (string, int) ParseHost(string part)
    {
        string host;
        string? portText = null;
        if (part.StartsWith('['))
        {
            var close = part.IndexOf(']');
            if (close < 0) throw new FormatException($"host '{part}' has an unclosed '['");
            host = part[1..close];
            var rest = part[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') throw new FormatException($"host '{part}' has text after ']' that is not ':port'");
                portText = rest[1..];
            }
        }
        else
        {
            var colon = part.LastIndexOf(':');
            host = colon < 0 ? part : part[..colon];
            portText = colon < 0 ? null : part[(colon + 1)..];
        }
        if (host.Length == 0) throw new FormatException($"host '{part}' has no host name");
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new FormatException($"host '{part}' has an invalid port (expected 1-65535)");
        return (host, port);
    }
}

namespace VarTrack.Core.NodeConfig;

/// <summary>A node's address as registered: an IPv4 or IPv6 address or a DNS host name (no port, no URL).</summary>
public static class NodeAddress
{
    public static bool IsValid(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > 253) return false;
        var kind = Uri.CheckHostName(address);
        // CheckHostName also accepts a bracketed IPv6 literal; the contract stores addresses bare.
        return kind is UriHostNameType.IPv4 or UriHostNameType.Dns || (kind == UriHostNameType.IPv6 && !address.StartsWith('['));
    }
}

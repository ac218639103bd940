namespace VarTrack.Connectors.Ssh;

/// <summary>What known_hosts says about the key a server offered.</summary>
internal enum HostKeyStatus
{
    /// <summary>A line names the host with exactly this key.</summary>
    Trusted,

    /// <summary>No line names the host.</summary>
    Unknown,

    /// <summary>Lines name the host, none with this key: the server's key was replaced, or someone is in between.</summary>
    Changed,

    /// <summary>An <c>@revoked</c> line for the host holds this key.</summary>
    Revoked,
}

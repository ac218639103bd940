namespace VarTrack.Connectors.Ssh;

/// <summary>The optional marker at the start of a known_hosts line.</summary>
internal enum KnownHostsMarker
{
    None,

    /// <summary><c>@revoked</c>: the key must never be accepted for the hosts of the line.</summary>
    Revoked,

    /// <summary><c>@cert-authority</c>: a CA for host certificates; VarTrack does not use host certificates, so such lines are skipped.</summary>
    CertAuthority,
}

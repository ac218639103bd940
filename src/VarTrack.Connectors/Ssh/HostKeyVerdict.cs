namespace VarTrack.Connectors.Ssh;

/// <param name="Entry">The line that decided: the matching line (trusted), the revoking line, or the first line with the host's old key (changed); null when unknown.</param>
internal sealed record HostKeyVerdict(HostKeyStatus Status, KnownHostsEntry? Entry);

namespace VarTrack.Connectors.Ssh;

/// <summary>
/// The known_hosts files consulted for one connection, read when it connects (so edits apply without a restart).
/// Lookup as OpenSSH does it: the name is <c>host</c> for port 22 and <c>[host]:port</c> otherwise (lowercase);
/// the offered key blob must equal a key of a line naming that name; <c>@revoked</c> wins over everything.
/// </summary>
internal sealed class KnownHosts
{
    public const string SystemFile = "/etc/ssh/ssh_known_hosts";

    private KnownHosts(IReadOnlyList<KnownHostsFile> files) => Files = files;

    public IReadOnlyList<KnownHostsFile> Files { get; }

    /// <summary>Malformed or unreadable lines of every file, each <c>file:line: reason</c>.</summary>
    public IEnumerable<string> Problems => Files.SelectMany(f => f.Problems);

    /// <summary>
    /// Without a configured file, OpenSSH's own pair: the user's <c>~/.ssh/known_hosts</c> (of the account running
    /// VarTrack), then the system-wide <c>/etc/ssh/ssh_known_hosts</c>; a key from either is trusted.
    /// </summary>
    public static IReadOnlyList<string> DefaultPaths(string? home) =>
        string.IsNullOrEmpty(home) ? [SystemFile] : [Path.Combine(home, ".ssh", "known_hosts"), SystemFile];

    public static KnownHosts Load(IEnumerable<string> paths) => new([.. paths.Select(KnownHostsFile.Load)]);

    public static KnownHosts Of(params KnownHostsFile[] files) => new(files);

    /// <summary>The name looked up for <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static string LookupName(string host, int port)
    {
        var name = host.ToLowerInvariant();
        return port == 22 ? name : $"[{name}]:{port}";
    }

    /// <summary>Key types the host is known with (not revoked), so the connection can prefer them as OpenSSH does.</summary>
    public IReadOnlySet<string> KeyTypesOf(string host, int port)
    {
        var name = LookupName(host, port);
        return Usable(name).Where(e => e.Marker == KnownHostsMarker.None).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);
    }

    public HostKeyVerdict Check(string host, int port, byte[] offeredKeyBlob)
    {
        var name = LookupName(host, port);
        var lines = Usable(name).ToList();
        if (lines.FirstOrDefault(e => e.Marker == KnownHostsMarker.Revoked && e.HasKey(offeredKeyBlob)) is { } revoked)
            return new HostKeyVerdict(HostKeyStatus.Revoked, revoked);
        var known = lines.Where(e => e.Marker == KnownHostsMarker.None).ToList();
        if (known.FirstOrDefault(e => e.HasKey(offeredKeyBlob)) is { } trusted)
            return new HostKeyVerdict(HostKeyStatus.Trusted, trusted);
        if (known.Count == 0) return new HostKeyVerdict(HostKeyStatus.Unknown, null);
        // Prefer naming a line with the offered key's type: that is the key that was replaced.
        var type = SshKeyBlob.TypeOf(offeredKeyBlob);
        return new HostKeyVerdict(HostKeyStatus.Changed, known.FirstOrDefault(e => e.KeyType == type) ?? known[0]);
    }

    private IEnumerable<KnownHostsEntry> Usable(string name) =>
        Files.SelectMany(f => f.Entries).Where(e => e.Marker != KnownHostsMarker.CertAuthority && e.Names(name));
}

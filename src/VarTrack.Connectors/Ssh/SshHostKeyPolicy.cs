using Renci.SshNet;
using VarTrack.Connectors.Files;

namespace VarTrack.Connectors.Ssh;

/// <summary>
/// Which server host keys a connection accepts: the one pinned key, the keys of known_hosts files (the default), or,
/// only when configured explicitly, any key. Decides before authentication; a refusal is one line without secrets.
/// </summary>
internal sealed class SshHostKeyPolicy
{
    private readonly SshHostKeyPin? _pin;
    private readonly KnownHosts? _knownHosts;
    private readonly string _pinSetting;
    private readonly string? _trustFile;

    private SshHostKeyPolicy(SshHostKeyPin? pin, KnownHosts? knownHosts, string pinSetting, string? trustFile)
    {
        _pin = pin;
        _knownHosts = knownHosts;
        _pinSetting = pinSetting;
        _trustFile = trustFile;
    }

    /// <summary>The value of the pin setting that turns checking off.</summary>
    public const string AnyKeyValue = "any";

    public bool AcceptsAnyKey => _pin is null && _knownHosts is null;

    public SshHostKeyPin? Pin => _pin;

    public static SshHostKeyPolicy AnyKey(string pinSetting) => new(null, null, pinSetting, null);

    public static SshHostKeyPolicy Pinned(SshHostKeyPin pin, string pinSetting) => new(pin, null, pinSetting, null);

    /// <param name="trustFile">The file a refusal tells the user to add the key to (the configured one, else the user's).</param>
    public static SshHostKeyPolicy Checked(KnownHosts knownHosts, string pinSetting, string trustFile) => new(null, knownHosts, pinSetting, trustFile);

    /// <summary>
    /// Narrows or orders the host key algorithms: a pinned key type is the only one offered; with known_hosts the
    /// types known for the host go first (as OpenSSH orders them), so a server with several keys presents a known one.
    /// Host certificates are not offered (their blob is a certificate, which no pin or known_hosts key equals).
    /// </summary>
    public void Prepare(ConnectionInfo info, string host, int port)
    {
        if (AcceptsAnyKey) return;
        var algorithms = info.HostKeyAlgorithms;
        foreach (var algorithm in algorithms.Keys.Where(a => _pin is not null ? !_pin.Allows(a) : a.Contains("-cert-", StringComparison.Ordinal)).ToList())
            algorithms.Remove(algorithm);
        if (_knownHosts is null) return;
        var known = _knownHosts.KeyTypesOf(host, port);
        var front = 0;
        foreach (var algorithm in algorithms.Keys.ToList())
        {
            if (!known.Contains(SshKeyBlob.KeyTypeOfAlgorithm(algorithm))) continue;
            algorithms.Remove(algorithm, out var factory);
            algorithms.Insert(front++, algorithm, factory!);
        }
    }

    /// <summary>Null when the offered key is accepted, else why it is refused (names host:port, the fingerprints and the fix).</summary>
    public string? Refusal(string host, int port, byte[] offeredKeyBlob)
    {
        if (AcceptsAnyKey) return null;
        var endpoint = $"{host}:{port}";
        var fingerprint = SshHostKeyPin.FingerprintOf(offeredKeyBlob);
        if (_pin is not null)
            return _pin.Matches(offeredKeyBlob) ? null : $"the host key of {endpoint} is {fingerprint}, not the pinned '{_pinSetting}' {_pin.Fingerprint}; refusing to connect";
        var type = SshKeyBlob.TypeOf(offeredKeyBlob) ?? "key";
        var name = KnownHosts.LookupName(host, port);
        var verdict = _knownHosts!.Check(host, port, offeredKeyBlob);
        return verdict.Status switch
        {
            HostKeyStatus.Trusted => null,
            HostKeyStatus.Revoked => $"the host key of {endpoint} ({type} {fingerprint}) is marked @revoked in {verdict.Entry!.Location}; refusing to connect",
            HostKeyStatus.Changed => $"host key changed for {endpoint}: the server offers {type} {fingerprint}, but {verdict.Entry!.Location} has {verdict.Entry.KeyType} {verdict.Entry.Fingerprint} " +
                $"for {name}; refusing to connect (the server's key was replaced, or someone is intercepting the connection). If the change is expected, remove the old key " +
                $"(ssh-keygen -R '{name}' -f {verdict.Entry.Path}) and add the new one",
            _ => $"the host key of {endpoint} is not known: {type} {fingerprint} is in no known_hosts entry for {name} ({Searched()}){Skipped()}; refusing to connect. " +
                $"To trust it, check that fingerprint with the server's administrator, then run 'ssh-keyscan {(port == 22 ? "" : $"-p {port} ")}{host} >> {_trustFile}' " +
                $"or set '{_pinSetting}: \"{fingerprint}\"'",
        };
    }

    private string Searched() => "searched " + string.Join(", ", _knownHosts!.Files.Select(f => f.Exists ? f.Path : $"{f.Path} (missing)"));

    private string Skipped()
    {
        var problems = _knownHosts!.Problems.ToList();
        if (problems.Count == 0) return "";
        return $"; skipped {problems.Count} malformed line{(problems.Count == 1 ? "" : "s")}: " + string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? "; ..." : "");
    }
}

using Renci.SshNet;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Ssh;

namespace VarTrack.Connectors.Tests.Ssh;

/// <summary>The known_hosts parser and matcher (OpenSSH's format) and the refusals built from its verdicts.</summary>
public sealed class KnownHostsTests(SshTestKeys keys) : IClassFixture<SshTestKeys>
{
    private readonly SshKeyFolder _folder = keys.Folder;

    [Fact]
    public void A_plain_host_name_is_port_22_only_and_matches_whatever_case_the_url_uses()
    {
        var known = Known($"example.com {keys.Ed25519}\n");

        Assert.Equal(HostKeyStatus.Trusted, Status(known, "example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "EXAMPLE.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "example.com", 2222, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "www.example.com", 22, keys.Ed25519));
    }

    [Fact]
    public void A_bracketed_host_with_a_port_is_that_port_only()
    {
        var known = Known($"[example.com]:2222 {keys.Ed25519}\n");

        Assert.Equal(HostKeyStatus.Trusted, Status(known, "example.com", 2222, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "example.com", 2223, keys.Ed25519));
        Assert.Equal("[example.com]:2222", KnownHosts.LookupName("Example.COM", 2222));
        Assert.Equal("example.com", KnownHosts.LookupName("Example.COM", 22));
    }

    [Fact]
    public void A_comma_separated_list_names_each_host()
    {
        var known = Known($"git.example.com,10.0.0.7,[git.example.com]:7999,[::1]:2200 {keys.Ed25519} deploy@ci\n");

        Assert.Equal(HostKeyStatus.Trusted, Status(known, "git.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "10.0.0.7", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "git.example.com", 7999, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "::1", 2200, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "10.0.0.8", 22, keys.Ed25519));
    }

    [Fact]
    public void Wildcards_match_and_a_negated_pattern_excludes()
    {
        var known = Known($"*.example.com,!evil.example.com,10.0.0.? {keys.Ed25519}\n");

        Assert.Equal(HostKeyStatus.Trusted, Status(known, "git.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "10.0.0.5", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "evil.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "10.0.0.55", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "example.com", 22, keys.Ed25519));
    }

    [Fact]
    public void Entries_hashed_by_ssh_keygen_match_their_host_and_port_only()
    {
        var path = _folder.Write($"hashed-{Guid.NewGuid():N}", $"git.example.com {keys.Ed25519}\n[git.example.com]:2222 {keys.Rsa}\n");
        SshKeyFolder.Run("ssh-keygen", ["-H", "-f", path]);
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("example", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("|1|", StringComparison.Ordinal)));
        var known = KnownHosts.Load([path]);

        Assert.Empty(known.Problems);
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "git.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "GIT.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "git.example.com", 2222, keys.Rsa));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "other.example.com", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "git.example.com", 2223, keys.Rsa));
        var changed = known.Check("git.example.com", 22, SshKeyFolder.Blob(keys.OtherEd25519));
        Assert.Equal((HostKeyStatus.Changed, $"{path}:1"), (changed.Status, changed.Entry!.Location));
    }

    [Theory]
    [InlineData("Ed25519", "ssh-ed25519")]
    [InlineData("Ecdsa256", "ecdsa-sha2-nistp256")]
    [InlineData("Ecdsa384", "ecdsa-sha2-nistp384")]
    [InlineData("Ecdsa521", "ecdsa-sha2-nistp521")]
    [InlineData("Rsa", "ssh-rsa")]
    public void Every_key_type_is_compared_by_its_whole_key_not_its_type(string key, string type)
    {
        var line = (string)typeof(SshTestKeys).GetProperty(key)!.GetValue(keys)!;
        var known = Known($"host {line}\n");
        var other = _folder.NewKey(type == "ssh-ed25519" ? "ed25519" : type == "ssh-rsa" ? "rsa" : "ecdsa", type switch
        {
            "ecdsa-sha2-nistp256" => 256,
            "ecdsa-sha2-nistp384" => 384,
            "ecdsa-sha2-nistp521" => 521,
            "ssh-rsa" => 1024,
            _ => null,
        }).Line;

        Assert.Equal(type, known.Files[0].Entries[0].KeyType);
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host", 22, line));
        Assert.Equal(HostKeyStatus.Changed, Status(known, "host", 22, other));
        Assert.Equal([type], known.KeyTypesOf("host", 22));
    }

    [Fact]
    public void A_revoked_key_is_refused_even_when_another_line_trusts_it()
    {
        var known = Known($"# fleet keys\nhost {keys.Ed25519}\n\n@revoked * {keys.Ed25519}\nhost {keys.Rsa}\n");

        var verdict = known.Check("host", 22, SshKeyFolder.Blob(keys.Ed25519));

        Assert.Equal((HostKeyStatus.Revoked, 4), (verdict.Status, verdict.Entry!.Line));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host", 22, keys.Rsa));
        Assert.Equal(["ssh-rsa", "ssh-ed25519"], known.KeyTypesOf("host", 22).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public void A_changed_key_names_the_line_holding_the_old_key_of_the_same_type()
    {
        var known = Known($"host {keys.Rsa}\nhost {keys.Ed25519}\n");

        var sameType = known.Check("host", 22, SshKeyFolder.Blob(keys.OtherEd25519));
        var otherType = Known($"host {keys.Rsa}\n").Check("host", 22, SshKeyFolder.Blob(keys.OtherEd25519));

        Assert.Equal((HostKeyStatus.Changed, 2), (sameType.Status, sameType.Entry!.Line));
        Assert.Equal((HostKeyStatus.Changed, 1, "ssh-rsa"), (otherType.Status, otherType.Entry!.Line, otherType.Entry.KeyType));
    }

    [Fact]
    public void Comments_blank_lines_crlf_and_trailing_comments_are_read_as_openssh_does()
    {
        var known = Known($"# comment\r\n\r\n   \r\n\thost1 {keys.Ed25519} a comment with spaces\r\n  # indented comment\r\nhost2\t{SshKeyFolder.KeyPart(keys.Rsa)}\r\n");

        Assert.Empty(known.Problems);
        Assert.Equal([4, 6], known.Files[0].Entries.Select(e => e.Line));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host1", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host2", 22, keys.Rsa));
    }

    [Fact]
    public void Malformed_lines_are_reported_with_file_and_line_and_the_other_lines_still_count()
    {
        var ed = SshKeyFolder.KeyPart(keys.Ed25519).Split(' ')[1];
        var path = _folder.Write($"bad-{Guid.NewGuid():N}", string.Join('\n',
            "host-only",
            "host ssh-ed25519",
            "host ssh-ed25519 not*base64",
            $"host ssh-rsa {ed}",
            $"@trusted host ssh-ed25519 {ed}",
            $"|1|abc|def ssh-ed25519 {ed}",
            $"|2|c2FsdA==|c2FsdA== ssh-ed25519 {ed}",
            $"a,,b ssh-ed25519 {ed}",
            "host ssh-ed25519 AAAA",
            $"good {keys.Ed25519}",
            ""));
        var known = KnownHosts.Load([path]);

        Assert.Equal(
        [
            $"{path}:1: expected 'hosts key-type base64-key [comment]'",
            $"{path}:2: expected 'hosts key-type base64-key [comment]'",
            $"{path}:3: the key is not base64 (an SSH public key)",
            $"{path}:4: the key type does not match the type inside the key",
            $"{path}:5: unknown marker (known: @revoked, @cert-authority)",
            $"{path}:6: hashed host name is not '|1|salt|hash' (base64 salt, base64 HMAC-SHA1)",
            $"{path}:7: hashed host name is not '|1|salt|hash' (base64 salt, base64 HMAC-SHA1)",
            $"{path}:8: empty host name in the host list",
            $"{path}:9: the key is not base64 (an SSH public key)",
        ], known.Problems);
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "good", 22, keys.Ed25519));
        Assert.DoesNotContain(known.Problems, p => p.Contains(ed, StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_never_quote_the_text_of_a_malformed_line()
    {
        var path = _folder.Write($"quoted-{Guid.NewGuid():N}", string.Join('\n',
            "@secretmarker host ssh-ed25519 AAAA",
            "host1,,host2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
            "host TOPSECRET-NOT-BASE64!! x",
            "host ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
            ""));

        var known = KnownHosts.Load([path]);

        Assert.Equal(4, known.Problems.Count());
        Assert.DoesNotContain(known.Problems, p => p.Contains("secretmarker") || p.Contains("host1") || p.Contains("TOPSECRET") || p.Contains("ssh-rsa") || p.Contains("ssh-ed25519"));
    }

    [Fact]
    public void Cert_authority_lines_are_skipped_they_trust_no_plain_key()
    {
        var known = Known($"@cert-authority *.example.com {keys.Ed25519}\n");

        Assert.Empty(known.Problems);
        Assert.Equal(HostKeyStatus.Unknown, Status(known, "git.example.com", 22, keys.Ed25519));
    }

    [Fact]
    public void A_key_in_either_of_several_files_is_trusted_and_a_missing_file_is_no_error()
    {
        var first = _folder.Write($"user-{Guid.NewGuid():N}", $"host {keys.Rsa}\n");
        var second = _folder.Write($"system-{Guid.NewGuid():N}", $"host {keys.Ed25519}\n");
        var missing = Path.Combine(_folder.Path, "missing", "known_hosts");

        var known = KnownHosts.Load([missing, first, second]);

        Assert.Equal([false, true, true], known.Files.Select(f => f.Exists));
        Assert.Empty(known.Problems);
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host", 22, keys.Ed25519));
        Assert.Equal(HostKeyStatus.Trusted, Status(known, "host", 22, keys.Rsa));
    }

    [Fact]
    public void The_defaults_are_the_users_known_hosts_then_the_system_file()
    {
        Assert.Equal(["/home/vartrack/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts"], KnownHosts.DefaultPaths("/home/vartrack"));
        Assert.Equal(["/etc/ssh/ssh_known_hosts"], KnownHosts.DefaultPaths(""));
    }

    [Fact]
    public void An_unknown_host_is_refused_naming_host_port_fingerprint_and_how_to_trust_it()
    {
        var path = _folder.Write($"kh-{Guid.NewGuid():N}", $"other.example.com {keys.Ed25519}\n[git.example.com]:7999 ssh-ed25519 AAAA\n");
        var missing = Path.Combine(_folder.Path, "nothing", "ssh_known_hosts");
        var policy = SshHostKeyPolicy.Checked(KnownHosts.Load([path, missing]), "ssh_host_key", path);
        var fingerprint = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.Ed25519));

        Assert.Equal($"the host key of git.example.com:7999 is not known: ssh-ed25519 {fingerprint} is in no known_hosts entry for [git.example.com]:7999 " +
            $"(searched {path}, {missing} (missing)); skipped 1 malformed line: {path}:2: the key is not base64 (an SSH public key); refusing to connect. " +
            $"To trust it, check that fingerprint with the server's administrator, then run 'ssh-keyscan -p 7999 git.example.com >> {path}' or set 'ssh_host_key: \"{fingerprint}\"'",
            policy.Refusal("git.example.com", 7999, SshKeyFolder.Blob(keys.Ed25519)));
        Assert.Contains("run 'ssh-keyscan git.example.com >> ", policy.Refusal("git.example.com", 22, SshKeyFolder.Blob(keys.Ed25519)), StringComparison.Ordinal);
        Assert.Null(policy.Refusal("other.example.com", 22, SshKeyFolder.Blob(keys.Ed25519)));
    }

    [Fact]
    public void A_changed_or_revoked_key_is_refused_naming_the_file_and_line()
    {
        var path = _folder.Write($"kh-{Guid.NewGuid():N}", $"# keys\n[git.example.com]:7999 {keys.Ed25519}\n@revoked * {keys.Rsa}\n");
        var policy = SshHostKeyPolicy.Checked(KnownHosts.Load([path]), "ssh_host_key", path);
        var old = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.Ed25519));
        var offered = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.OtherEd25519));
        var rsa = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.Rsa));

        Assert.Equal($"host key changed for git.example.com:7999: the server offers ssh-ed25519 {offered}, but {path}:2 has ssh-ed25519 {old} for [git.example.com]:7999; " +
            "refusing to connect (the server's key was replaced, or someone is intercepting the connection). " +
            $"If the change is expected, remove the old key (ssh-keygen -R '[git.example.com]:7999' -f {path}) and add the new one",
            policy.Refusal("git.example.com", 7999, SshKeyFolder.Blob(keys.OtherEd25519)));
        Assert.Equal($"the host key of git.example.com:7999 (ssh-rsa {rsa}) is marked @revoked in {path}:3; refusing to connect",
            policy.Refusal("git.example.com", 7999, SshKeyFolder.Blob(keys.Rsa)));
    }

    [Fact]
    public void A_pin_accepts_only_its_key_and_any_accepts_every_key()
    {
        var pinned = SshHostKeyPolicy.Pinned(SshHostKeyPin.Parse(keys.Ed25519, "test"), "ssh_host_key");
        var expected = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.Ed25519));
        var offered = SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(keys.OtherEd25519));

        Assert.Null(pinned.Refusal("h", 22, SshKeyFolder.Blob(keys.Ed25519)));
        Assert.Equal($"the host key of h:22 is {offered}, not the pinned 'ssh_host_key' {expected}; refusing to connect", pinned.Refusal("h", 22, SshKeyFolder.Blob(keys.OtherEd25519)));
        Assert.Null(SshHostKeyPolicy.AnyKey("ssh_host_key").Refusal("h", 22, SshKeyFolder.Blob(keys.OtherEd25519)));
    }

    [Fact]
    public void Known_key_types_are_offered_first_and_host_certificates_not_at_all()
    {
        var policy = SshHostKeyPolicy.Checked(Known($"[host]:2222 {keys.Rsa}\n[host]:2222 {keys.Ecdsa384}\n"), "ssh_host_key", "/x");
        var info = new ConnectionInfo("host", 2222, "u", new NoneAuthenticationMethod("u"));
        var before = info.HostKeyAlgorithms.Keys.Where(a => !a.Contains("-cert-", StringComparison.Ordinal)).ToList();

        policy.Prepare(info, "host", 2222);

        var after = info.HostKeyAlgorithms.Keys.ToList();
        string[] known = ["ecdsa-sha2-nistp384", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
        Assert.Equal(before.Where(known.Contains), after.Take(4));
        Assert.Equal(before.Where(a => !known.Contains(a)), after.Skip(4));
        Assert.Contains("ssh-ed25519", after);
    }

    private KnownHosts Known(string text) => KnownHosts.Of(KnownHostsFile.Parse(Path.Combine(_folder.Path, "known_hosts"), text));

    private static HostKeyStatus Status(KnownHosts known, string host, int port, string publicLine) => known.Check(host, port, SshKeyFolder.Blob(publicLine)).Status;
}

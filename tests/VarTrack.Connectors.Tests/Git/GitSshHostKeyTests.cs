using System.Text;
using LibGit2Sharp;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Git;
using VarTrack.Connectors.Ssh;
using VarTrack.Connectors.Tests.Replication;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.Tests.Ssh;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>
/// Host key checking of Git over SSH against the real test sshd (127.0.0.1, <c>VT_SSH</c>): known_hosts made by
/// ssh-keyscan lets the fetch through; an unknown, changed or revoked key is refused before anything is fetched.
/// </summary>
public sealed class GitSshHostKeyTests : IDisposable
{
    private readonly GitCacheFolder _cache = new();
    private readonly SshKeyFolder _folder = new();
    private readonly List<TestGitRepository> _origins = [];

    public GitSshHostKeyTests() => TestServices.Require("sshd", TestServices.Ssh);

    private static string Host => TestServices.Ssh.Split('@')[^1].Split(':')[0];

    private static int Port => int.Parse(TestServices.Ssh[(TestServices.Ssh.LastIndexOf(':') + 1)..]);

    private static string ServerKeyFingerprint => SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(File.ReadAllText(TestServices.SshHostKeyFile).Trim()));

    [Fact]
    public async Task A_known_hosts_made_by_ssh_keyscan_lets_the_fetch_through()
    {
        var (remote, commit) = Origin();
        var knownHosts = _folder.Write("known_hosts", SshKeyFolder.Run("ssh-keyscan", ["-p", $"{Port}", Host]));
        Assert.Contains($"[{Host}]:{Port} ssh-ed25519 ", File.ReadAllText(knownHosts));

        Assert.Equal(commit, (await _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main")).Sha);
        Assert.Equal("ssh: true\n", Encoding.UTF8.GetString((await _cache.Source(WithKnownHosts(knownHosts)).ReadFileAsync(remote, commit, "config.yaml"))!));
    }

    [Fact]
    public async Task A_hashed_known_hosts_made_by_ssh_keyscan_H_lets_the_fetch_through()
    {
        var (remote, commit) = Origin();
        var knownHosts = _folder.Write("known_hosts", "# hashed\n" + SshKeyFolder.Run("ssh-keyscan", ["-H", "-p", $"{Port}", Host]));
        Assert.DoesNotContain(Host, File.ReadAllText(knownHosts));

        Assert.Equal(commit, (await _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main")).Sha);
    }

    [Fact]
    public async Task An_empty_known_hosts_refuses_naming_the_host_the_fingerprint_and_the_fix_and_fetches_nothing()
    {
        var (remote, commit) = Origin();
        var knownHosts = _folder.Write("known_hosts", "");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Equal($"repository 'acme/ssh': cannot fetch commit {commit} from {remote.CloneUrl}: the host key of {Host}:{Port} is not known: " +
            $"ssh-ed25519 {ServerKeyFingerprint} is in no known_hosts entry for [{Host}]:{Port} (searched {knownHosts}); refusing to connect. " +
            $"To trust it, check that fingerprint with the server's administrator, then run 'ssh-keyscan -p {Port} {Host} >> {knownHosts}' " +
            $"or set 'ssh_host_key: \"{ServerKeyFingerprint}\"'", error.Message);
        AssertNothingFetched(remote, commit);
    }

    [Fact]
    public async Task A_known_hosts_for_other_hosts_or_another_port_refuses_as_unknown()
    {
        var (remote, commit) = Origin();
        var serverKey = File.ReadAllText(TestServices.SshHostKeyFile).Trim();
        // The right key, but for port 22 only (no [host]:port) and for another host: neither names this server.
        var knownHosts = _folder.Write("known_hosts", $"{Host} {serverKey}\n[git.example.com]:{Port} {serverKey}\n");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Contains($": the host key of {Host}:{Port} is not known: ssh-ed25519 {ServerKeyFingerprint} is in no known_hosts entry for [{Host}]:{Port} ", error.Message);
        AssertNothingFetched(remote, commit);
    }

    [Fact]
    public async Task A_different_key_for_this_host_refuses_as_changed_naming_the_file_and_line()
    {
        var (remote, commit) = Origin();
        var other = _folder.NewKey("ed25519").Line;
        var knownHosts = _folder.Write("known_hosts", $"# rotated last year\n[{Host}]:{Port} {other}\n");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Equal($"repository 'acme/ssh': cannot fetch commit {commit} from {remote.CloneUrl}: host key changed for {Host}:{Port}: the server offers ssh-ed25519 {ServerKeyFingerprint}, " +
            $"but {knownHosts}:2 has ssh-ed25519 {SshHostKeyPin.FingerprintOf(SshKeyFolder.Blob(other))} for [{Host}]:{Port}; refusing to connect " +
            "(the server's key was replaced, or someone is intercepting the connection). " +
            $"If the change is expected, remove the old key (ssh-keygen -R '[{Host}]:{Port}' -f {knownHosts}) and add the new one", error.Message);
        AssertNothingFetched(remote, commit);
    }

    [Fact]
    public async Task A_revoked_server_key_is_refused_even_when_also_listed_as_known()
    {
        var (remote, commit) = Origin();
        var serverKey = File.ReadAllText(TestServices.SshHostKeyFile).Trim();
        var knownHosts = _folder.Write("known_hosts", $"[{Host}]:{Port} {serverKey}\n@revoked * {serverKey}\n");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithKnownHosts(knownHosts)).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.EndsWith($": the host key of {Host}:{Port} (ssh-ed25519 {ServerKeyFingerprint}) is marked @revoked in {knownHosts}:2; refusing to connect", error.Message);
        AssertNothingFetched(remote, commit);
    }

    [Fact]
    public async Task Malformed_lines_are_skipped_with_a_warning_and_a_good_line_still_counts()
    {
        var (remote, commit) = Origin();
        var scanned = SshKeyFolder.Run("ssh-keyscan", ["-p", $"{Port}", Host]);
        var knownHosts = _folder.Write("known_hosts", $"broken-line\n{scanned}");
        var logger = new ListLogger<GitCloneSource>();

        var source = new GitCloneSource(WithKnownHosts(knownHosts), _cache.Path, new SettingResolver(_ => null), logger);
        Assert.Equal(commit, (await source.FetchAsync(remote, commit, "refs/heads/main")).Sha);

        Assert.Contains(logger.Lines, l => l.StartsWith($"Warning: Skipped a malformed known_hosts line: {knownHosts}:1: expected 'hosts key-type base64-key [comment]'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_any_setting_the_users_and_the_system_known_hosts_decide()
    {
        var (remote, commit) = Origin();
        var paths = KnownHosts.DefaultPaths(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        var settings = new GitSettings { Credentials = [new GitCredential([]) { SshKey = TestServices.SshKeyFile }] };
        var trusted = KnownHosts.Load(paths).Check(Host, Port, SshKeyFolder.Blob(File.ReadAllText(TestServices.SshHostKeyFile).Trim())).Status == HostKeyStatus.Trusted;

        if (trusted)
        {
            // This machine's known_hosts already trusts the test server: then the fetch must go through.
            Assert.Equal(commit, (await _cache.Source(settings).FetchAsync(remote, commit, "refs/heads/main")).Sha);
            return;
        }
        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(settings).FetchAsync(remote, commit, "refs/heads/main"));
        Assert.Contains($"(searched {paths[0]}", error.Message);
        Assert.Contains("/etc/ssh/ssh_known_hosts", error.Message);
        Assert.Contains($"then run 'ssh-keyscan -p {Port} {Host} >> {paths[0]}'", error.Message);
        AssertNothingFetched(remote, commit);
    }

    [Fact]
    public async Task Ssh_host_key_any_accepts_the_server_and_warns_once_per_host()
    {
        var origin = Track(new TestGitRepository());
        var first = origin.Commit("one", ("a.txt", "1"));
        origin.Push();
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{Port}{origin.BarePath}");
        var logger = new ListLogger<GitCloneSource>();
        var settings = new GitSettings { Credentials = [new GitCredential([]) { SshKey = TestServices.SshKeyFile, SshHostKey = "any" }] };
        var source = new GitCloneSource(settings, _cache.Path, new SettingResolver(_ => null), logger);

        Assert.Equal(first, (await source.FetchAsync(remote, first, "refs/heads/main")).Sha);
        var second = origin.Commit("two", ("a.txt", "2"));
        origin.Push();
        Assert.Equal(second, (await source.FetchAsync(remote, second, "refs/heads/main")).Sha);

        var warning = Assert.Single(logger.Lines, l => l.StartsWith("Warning:", StringComparison.Ordinal));
        Assert.StartsWith($"Warning: SSH host key checking is off for {Host}:{Port} (repository acme/ssh: 'ssh_host_key: any'): any server answering there is trusted", warning);
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("Information: Fetched acme/ssh", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        foreach (var origin in _origins) origin.Dispose();
        _cache.Dispose();
        _folder.Dispose();
    }

    private static GitSettings WithKnownHosts(string knownHosts) => new()
    {
        Credentials = [new GitCredential([]) { SshKey = TestServices.SshKeyFile, SshKnownHosts = knownHosts }],
    };

    private (GitRemote Remote, string Commit) Origin()
    {
        var origin = Track(new TestGitRepository());
        var commit = origin.Commit("one", ("config.yaml", "ssh: true\n"));
        origin.Push();
        return (new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{Port}{origin.BarePath}"), commit);
    }

    /// <summary>The clone (if the cache made one) holds no object of the origin: nothing came over the refused connection.</summary>
    private void AssertNothingFetched(GitRemote remote, string commit)
    {
        var clone = _cache.CloneOf(remote.CloneUrl);
        if (!Directory.Exists(clone)) return;
        using var repository = new Repository(clone);
        Assert.Null(repository.Lookup<Commit>(commit));
        Assert.Empty(repository.Refs);
    }

    private TestGitRepository Track(TestGitRepository origin)
    {
        _origins.Add(origin);
        return origin;
    }
}

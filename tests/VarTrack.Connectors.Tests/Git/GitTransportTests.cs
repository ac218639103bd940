using System.Net;
using System.Net.Sockets;
using System.Text;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>Fetching over the network: git http-backend (anonymous and basic auth), SSH via the test sshd, and failures.</summary>
public sealed class GitTransportTests : IDisposable
{
    private readonly GitCacheFolder _cache = new();
    private readonly List<TestGitRepository> _origins = [];

    [Fact]
    public async Task FetchesOverHttpFromGitHttpBackend()
    {
        GitTestServer.Require();
        var origin = Track(new TestGitRepository(GitTestServer.Root));
        var url = $"{GitTestServer.Url}/git/{origin.Name}";
        var first = origin.Commit("one", ("config.yaml", "v: 1\n"));
        origin.Push("refs/heads/main", url); // A real push over HTTP (receive-pack is enabled).
        var second = origin.Commit("two", ("config.yaml", "v: 2\n"));
        origin.Push("refs/heads/main", url);
        var source = _cache.Source();
        var remote = new GitRemote("acme/http", url);

        Assert.Equal(first, (await source.FetchAsync(remote, first, "refs/heads/main")).Sha);

        Assert.Equal("v: 1\n", Text(await source.ReadFileAsync(remote, first, "config.yaml")));
        Assert.Equal("v: 2\n", Text(await source.ReadFileAsync(remote, second, "config.yaml")));
    }

    [Fact]
    public async Task TokenAuthenticationWithTheRightPasswordWorks()
    {
        GitTestServer.Require();
        var (remote, commit) = AuthOrigin();
        var source = _cache.Source(WithToken(GitTestServer.Password));

        Assert.Equal(commit, (await source.FetchAsync(remote, commit, "refs/heads/main")).Sha);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWithoutShowingIt()
    {
        GitTestServer.Require();
        var (remote, commit) = AuthOrigin();
        const string wrong = "wrong-password-4711";
        var source = _cache.Source(WithToken(wrong));

        var error = await Assert.ThrowsAsync<VarTrackException>(() => source.FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Equal($"repository 'acme/private': cannot fetch commit {commit} from {remote.CloneUrl}: authentication was refused (check the git credential that matches this repository)",
            Assert.Single(error.Problems).Message);
        Assert.DoesNotContain(wrong, error.Message);
    }

    [Fact]
    public async Task CredentialsInTheUrlNeverAppearInErrors()
    {
        GitTestServer.Require();
        var (remote, commit) = AuthOrigin();
        var secretUrl = remote.CloneUrl.Replace("http://", $"http://{GitTestServer.User}:url-secret-0815@", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source().FetchAsync(remote with { CloneUrl = secretUrl }, commit, "refs/heads/main"));

        Assert.DoesNotContain("url-secret-0815", error.Message);
        Assert.DoesNotContain($"{GitTestServer.User}:", error.Message);
        Assert.Contains($"from {remote.CloneUrl}: ", error.Message);
        // The clone is the one of the URL without credentials, and its config holds no credential either.
        Assert.Equal(_cache.CloneOf(remote.CloneUrl), _cache.CloneOf(secretUrl));
        var config = File.ReadAllText(Path.Combine(_cache.CloneOf(remote.CloneUrl), "config"));
        Assert.Contains($"url = {remote.CloneUrl}", config);
        Assert.DoesNotContain("url-secret-0815", config);
    }

    [Fact]
    public async Task CredentialsWrittenInTheUrlAreUsedWhenNoneAreConfigured()
    {
        GitTestServer.Require();
        var (remote, commit) = AuthOrigin();
        var url = remote.CloneUrl.Replace("http://", $"http://{GitTestServer.User}:{Uri.EscapeDataString(GitTestServer.Password)}@", StringComparison.Ordinal);

        Assert.Equal(commit, (await _cache.Source().FetchAsync(remote with { CloneUrl = url }, commit, "refs/heads/main")).Sha);
        Assert.DoesNotContain(GitTestServer.Password, File.ReadAllText(Path.Combine(_cache.CloneOf(url), "config")));
    }

    [Fact]
    public async Task NoCredentialForAProtectedRepositoryIsAClearError()
    {
        GitTestServer.Require();
        var (remote, commit) = AuthOrigin();

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source().FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Equal($"repository 'acme/private': cannot fetch commit {commit} from {remote.CloneUrl}: the server requires authentication, and no entry of git.credentials matches 'acme/private'",
            error.Message);
    }

    [Fact]
    public async Task AnUnknownRepositoryOnTheServerIsAClearError()
    {
        GitTestServer.Require();
        var remote = new GitRemote("acme/nothing", $"{GitTestServer.Url}/git/{Guid.NewGuid():N}.git");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source().FetchAsync(remote, "0123abcd", "refs/heads/main"));

        Assert.StartsWith($"repository 'acme/nothing': cannot fetch commit 0123abcd from {remote.CloneUrl}: repository not found", error.Message);
    }

    [Fact]
    public async Task AnUnreachableHostIsAClearError()
    {
        var remote = new GitRemote("acme/down", $"http://127.0.0.1:{TestServices.UnusedPort()}/acme/down.git");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source().FetchAsync(remote, "0123abcd", "refs/heads/main"));

        Assert.StartsWith($"repository 'acme/down': cannot fetch commit 0123abcd from {remote.CloneUrl}: ", error.Message);
        Assert.EndsWith("failed to connect to 127.0.0.1: Connection refused", error.Message);
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true) accepted.Add(await silent.AcceptSocketAsync());
        });
        var remote = new GitRemote("acme/silent", $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/acme/silent.git");
        var source = _cache.Source(new GitSettings { FetchTimeout = TimeSpan.FromSeconds(1) });
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => source.FetchAsync(remote, "0123abcd", "refs/heads/main"));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the fetch was not bounded by the timeout");
        Assert.Equal($"repository 'acme/silent': cannot fetch commit 0123abcd from {remote.CloneUrl}: no answer within the fetch timeout (00:00:01)", error.Message);
        silent.Stop();
        foreach (var socket in accepted) socket.Dispose();
    }

    [Fact]
    public async Task AnSshServerThatNeverAnswersTimesOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        _ = Task.Run(async () =>
        {
            while (true) accepted.Add(await silent.AcceptSocketAsync());
        });
        var remote = new GitRemote("acme/silent", $"ssh://git@127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/acme/silent.git");
        var settings = new GitSettings { FetchTimeout = TimeSpan.FromSeconds(1), Credentials = [new GitCredential([]) { SshKey = TestServices.SshKeyFile, SshHostKey = File.ReadAllText(TestServices.SshHostKeyFile) }] };
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(settings).FetchAsync(remote, "0123abcd", "refs/heads/main"));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15), "the fetch was not bounded by the timeout");
        Assert.StartsWith($"repository 'acme/silent': cannot fetch commit 0123abcd from {remote.CloneUrl}: ", error.Message);
        Assert.Contains(" within ", error.Message);
        silent.Stop();
        foreach (var socket in accepted) socket.Dispose();
    }

    [Fact]
    public async Task FetchesOverSshWithAPinnedHostKey()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        var origin = Track(new TestGitRepository());
        var commit = origin.Commit("one", ("config.yaml", "ssh: true\n"));
        origin.Push();
        origin.Commit("two", ("config.yaml", "ssh: later\n"));
        origin.Push();
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{SshPort}{origin.BarePath}");
        var source = _cache.Source(WithSsh(File.ReadAllText(TestServices.SshHostKeyFile)));

        Assert.Equal(commit, (await source.FetchAsync(remote, commit, "refs/heads/main")).Sha);
        Assert.Equal("ssh: true\n", Text(await source.ReadFileAsync(remote, commit, "config.yaml")));
    }

    [Fact]
    public async Task SshAcceptsTheHostKeyAsAFingerprint()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        var origin = Track(new TestGitRepository());
        var commit = origin.Commit("one", ("a.txt", "a"));
        origin.Push("refs/heads/feature");
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{SshPort}{origin.BarePath}");
        var fingerprint = SshHostKeyPin.Parse(File.ReadAllText(TestServices.SshHostKeyFile), "test").Fingerprint;

        Assert.Equal(commit, (await _cache.Source(WithSsh(fingerprint)).FetchAsync(remote, commit, null)).Sha);
    }

    [Fact]
    public async Task SshRefusesAHostKeyOtherThanThePinnedOne()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        var origin = Track(new TestGitRepository());
        var commit = origin.Commit("one", ("a.txt", "a"));
        origin.Push();
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{SshPort}{origin.BarePath}");
        var otherKey = "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('=');

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithSsh(otherKey)).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.StartsWith($"repository 'acme/ssh': cannot fetch commit {commit} from {remote.CloneUrl}: the host key of 127.0.0.1:{SshPort} is SHA256:", error.Message);
        Assert.EndsWith($"not the pinned 'ssh_host_key' {otherKey}; refusing to connect", error.Message);
    }

    [Fact]
    public async Task SshWithAKeyTheServerDoesNotKnowIsRefused()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        var origin = Track(new TestGitRepository());
        var commit = origin.Commit("one", ("a.txt", "a"));
        origin.Push();
        var strangerKey = Path.Combine(Path.GetDirectoryName(origin.WorkPath)!, "stranger_ed25519");
        System.Diagnostics.Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", strangerKey])!.WaitForExit();
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{SshPort}{origin.BarePath}");
        var settings = new GitSettings { Credentials = [new GitCredential([]) { SshKey = strangerKey, SshHostKey = File.ReadAllText(TestServices.SshHostKeyFile) }] };

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(settings).FetchAsync(remote, commit, "refs/heads/main"));

        Assert.Equal($"repository 'acme/ssh': cannot fetch commit {commit} from {remote.CloneUrl}: authentication as {TestServices.Ssh.Split(':')[0]}:{SshPort} was refused (check 'ssh_key')", error.Message);
    }

    [Fact]
    public async Task SshReportsAMissingRepository()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        var remote = new GitRemote("acme/ssh", $"ssh://{TestServices.Ssh.Split(':')[0]}:{SshPort}/tmp/{Guid.NewGuid():N}/nothing.git");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source(WithSsh(File.ReadAllText(TestServices.SshHostKeyFile))).FetchAsync(remote, "0123abcd", "refs/heads/main"));

        Assert.StartsWith($"repository 'acme/ssh': cannot fetch commit 0123abcd from {remote.CloneUrl}: the server said: ", error.Message);
        Assert.Contains("does not appear to be a git repository", error.Message);
    }

    private static int SshPort => int.Parse(TestServices.Ssh[(TestServices.Ssh.LastIndexOf(':') + 1)..]);

    private static GitSettings WithToken(string token) => new()
    {
        Credentials = [new GitCredential([]) { Username = GitTestServer.User, Token = new SettingValue(token, SourcePosition.None) }],
    };

    private static GitSettings WithSsh(string hostKey) => new()
    {
        Credentials = [new GitCredential([]) { SshKey = TestServices.SshKeyFile, SshHostKey = hostKey }],
    };

    private (GitRemote Remote, string Commit) AuthOrigin()
    {
        var origin = Track(new TestGitRepository(GitTestServer.Root));
        var commit = origin.Commit("one", ("a.txt", "a"));
        origin.Push();
        return (new GitRemote("acme/private", $"{GitTestServer.Url}/auth/{origin.Name}"), commit);
    }

    private TestGitRepository Track(TestGitRepository origin)
    {
        _origins.Add(origin);
        return origin;
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    public void Dispose()
    {
        foreach (var origin in _origins) origin.Dispose();
        _cache.Dispose();
    }
}

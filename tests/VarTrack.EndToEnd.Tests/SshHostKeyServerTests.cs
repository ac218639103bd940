using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The real server syncing a repository it fetches over SSH from the test sshd (<c>VT_SSH</c>) into a file: the
/// server's host key must be in the configured known_hosts. With the key there the push lands; with another key for
/// that host, or no entry at all, the sync fails saying why and the file is never written.
/// </summary>
public sealed class SshHostKeyServerTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vt-e2e-ssh-" + Guid.NewGuid().ToString("N")[..8]);
    private WebApplication? _app;
    private HttpClient? _http;

    private static string Host => TestServices.Ssh.Split('@')[^1].Split(':')[0];

    private static string Port => TestServices.Ssh[(TestServices.Ssh.LastIndexOf(':') + 1)..];

    public Task InitializeAsync()
    {
        TestServices.Require("sshd", TestServices.Ssh);
        Directory.CreateDirectory(Path.Combine(_folder, "out", "e2e"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_push_fetched_over_ssh_lands_when_known_hosts_has_the_servers_key()
    {
        await StartAsync(Tool("ssh-keyscan", "-p", Port, Host));
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "db:\n  host: db.prod\n" });

        var record = await SyncAsync(repo, before, after);

        Assert.True(record.State == SyncState.Succeeded, $"{record.State}: {record.Error} {string.Join("; ", record.Files.SelectMany(f => f.Problems))}");
        Assert.Equal(["db.host=db.prod"], File.ReadAllLines(OutputFile(repo)).Where(l => l.Length > 0 && !l.StartsWith('#')));
    }

    [Fact]
    public async Task A_changed_host_key_fails_the_sync_and_writes_nothing()
    {
        var other = Path.Combine(_folder, "other_ed25519");
        Tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other);
        await StartAsync($"[{Host}]:{Port} {File.ReadAllText(other + ".pub").Trim()}\n");
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "db:\n  host: db.evil\n" });

        var record = await SyncAsync(repo, before, after);

        Assert.Equal(SyncState.Failed, record.State);
        var why = $"{record.Error} {string.Join("; ", record.Files.SelectMany(f => f.Problems))}";
        Assert.Contains($"host key changed for {Host}:{Port}: the server offers ssh-ed25519 SHA256:", why);
        Assert.Contains($"but {Path.Combine(_folder, "known_hosts")}:1 has ssh-ed25519 ", why);
        Assert.False(File.Exists(OutputFile(repo)), "the file sink was written although the host key was refused");
    }

    [Fact]
    public async Task An_unknown_host_fails_the_sync_with_the_fingerprint_and_the_ssh_keyscan_command()
    {
        await StartAsync("");
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(new Dictionary<string, string?> { ["config/app.yaml"] = "db:\n  host: db.prod\n" });

        var record = await SyncAsync(repo, before, after);

        Assert.Equal(SyncState.Failed, record.State);
        var why = $"{record.Error} {string.Join("; ", record.Files.SelectMany(f => f.Problems))}";
        Assert.Contains($"the host key of {Host}:{Port} is not known: ssh-ed25519 SHA256:", why);
        Assert.Contains($"then run 'ssh-keyscan -p {Port} {Host} >> {Path.Combine(_folder, "known_hosts")}' or set 'ssh_host_key: \"SHA256:", why);
        Assert.False(File.Exists(OutputFile(repo)), "the file sink was written although the host is unknown");
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task StartAsync(string knownHosts)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "known_hosts"), knownHosts);
        var config = Path.Combine(_folder, "vartrack.yaml");
        await File.WriteAllTextAsync(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{RunningServer.Secret}}" }
            git:
              fetch_timeout: 60s
              credentials:
                - repositories: ["e2e/*"]
                  ssh_key: {{TestServices.SshKeyFile}}
                  ssh_known_hosts: known_hosts
            sinks:
              files: { type: file, format: env, destination: "out/{repository}.env" }
            rules:
              - name: app
                platform: github
                repositories: ["e2e/*"]
                files: ["config/*.yaml"]
                root_key: null
                sinks: [files]
            """);
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        _app = ServerApp.Create(["--urls", url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(_folder, "state");
            options.ApiToken = RunningServer.ApiToken;
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Delivers a push whose clone URL is the bare repository over SSH, and waits (bounded generously) for its sync.</summary>
    private async Task<SyncRecord> SyncAsync(PushedRepository repo, string before, string after)
    {
        var bare = Path.Combine(TestServices.GitHttpRoot, repo.CloneUrl[(repo.CloneUrl.IndexOf("/git/", StringComparison.Ordinal) + 5)..]);
        var push = new GitHubPush(repo.Name, $"ssh://{TestServices.Ssh}{bare}", before, after) { Added = ["config/app.yaml"] };
        using var response = await _http!.SendAsync(push.Request(RunningServer.Secret));
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True((int)response.StatusCode == 202, $"expected 202, got {(int)response.StatusCode}: {body}");
        return await RunningServer.WaitForSyncAsync(_http, body.GetProperty("sync_id").GetString()!, TimeSpan.FromSeconds(120));
    }

    private static string Tool(string tool, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {error.Result}");
        return output;
    }

    private string OutputFile(PushedRepository repo) => Path.Combine(_folder, "out", repo.Name + ".env");
}

using System.Diagnostics;
using System.Text.Json;
using VarTrack.Cli;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt syncs list|show</c>, <c>vt sync --server</c> and <c>vt status --server</c> in-process against
/// <see cref="FakeVarTrackServer"/>: exact lines, exit codes, the request the CLI sends, and one-line errors that
/// never show the token.
/// </summary>
public sealed class ServerCommandsTests : IDisposable
{
    private const string Id = "sync-0123456789abcdef01234567";
    private const string Commit = "3f2a9c81d0e4b5a6978812345678901234567890";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeVarTrackServer _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-remote-").FullName;

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Token => _server.ApiToken!;

    private Task<(int Code, string Out, string Err)> Vt(params string[] args) => VtIn(_folder, args);

    private static async Task<(int Code, string Out, string Err)> VtIn(string folder, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(args, output, error, folder);
        return (code, output.ToString(), error.ToString());
    }

    private static SyncRequest Request(string trigger = "webhook") => new(Id, "acme/config", "https://git.example/acme/config.git", "refs/heads/main", Commit)
    {
        Trigger = trigger,
        Platform = "github",
        RequestedAt = T0,
    };

    private static SyncRecord Running(string id = Id) => new(id, SyncState.Running, Request() with { SyncId = id }) { StartedAt = T0.AddSeconds(1) };

    private static SyncRecord Succeeded(string id = Id) => new(id, SyncState.Succeeded, Request() with { SyncId = id })
    {
        StartedAt = T0.AddSeconds(1),
        FinishedAt = T0.AddSeconds(5),
        Files =
        [
            new SyncReport("configs/app.yaml", "app", "production", Commit,
            [
                new SinkReport("redis", "redis_hash", "app:production", SinkOutcome.Applied)
                {
                    Changes = new ChangeSummary([new("db.host", ChangeKind.Add, null, "db.internal"), new("port", ChangeKind.Change, "80", "8080"),
                        new("db.password", ChangeKind.Change, "***", "***"), new("old", ChangeKind.Remove, "x", null)], 7),
                    PreviousCommit = "0000000aaaa",
                },
                new SinkReport("files", "file", "out/production/app.env", SinkOutcome.Unchanged) { Changes = new ChangeSummary([], 11) },
            ]),
        ],
    };

    private static SyncRecord Failed(string id = Id) => new(id, SyncState.Failed, Request("api") with { SyncId = id, Files = ["configs/app.yaml"] })
    {
        StartedAt = T0.AddSeconds(1),
        FinishedAt = T0.AddSeconds(9),
        Error = "1 destination failed",
        Files =
        [
            new SyncReport("configs/app.yaml", "app", "production", Commit,
            [
                new SinkReport("redis", "redis_hash", "app:production", SinkOutcome.RolledBack) { Changes = new ChangeSummary([new("port", ChangeKind.Change, "80", "8080")], 3) },
                new SinkReport("zk", "zookeeper", "/app/production", SinkOutcome.Failed) { Error = "sink 'zk' (zookeeper) /app/production: connection refused" },
            ]),
            new SyncReport("configs/web.yaml", "web", "production", Commit, []) { Problems = ["configs/web.yaml:3:1: duplicate key 'a'"] },
        ],
    };

    // ---- vt syncs list / show ----

    [Fact]
    public async Task Syncs_list_prints_one_line_per_sync_and_json_is_the_servers_answer()
    {
        _server.History.AddRange([Succeeded("sync-0123456789abcdef0123456a"), Running("sync-0123456789abcdef0123456b")]);

        var (code, output, error) = await Vt("syncs", "list", "--server", _server.Url, "--limit", "5");
        Assert.True(code == 0, output + error);
        Assert.Equal(
            "sync-0123456789abcdef0123456a  succeeded  webhook  acme/config  refs/heads/main  3f2a9c8  2025-03-01 10:00:05Z\n" +
            "sync-0123456789abcdef0123456b  running    webhook  acme/config  refs/heads/main  3f2a9c8  -\n", output.ReplaceLineEndings("\n"));
        Assert.Equal("", error);
        Assert.Contains(_server.Requests, r => r is { Method: "GET", PathAndQuery: "/api/syncs?limit=5" });

        (code, output, _) = await Vt("syncs", "list", "--server", _server.Url, "--json");
        Assert.Equal(0, code);
        var syncs = JsonDocument.Parse(output).RootElement.GetProperty("syncs");
        Assert.Equal(2, syncs.GetArrayLength());
        Assert.Equal("succeeded", syncs[0].GetProperty("state").GetString());
        Assert.Equal("acme/config", syncs[0].GetProperty("request").GetProperty("repository").GetString());
        Assert.Equal(Commit, syncs[1].GetProperty("request").GetProperty("commit").GetString());
    }

    [Fact]
    public async Task Syncs_list_of_an_empty_server_says_so()
    {
        var (code, output, _) = await Vt("syncs", "list", "--server", _server.Url);
        Assert.Equal(0, code);
        Assert.Equal("no syncs yet", output.Trim());
    }

    [Fact]
    public async Task Syncs_show_succeeded_prints_each_destination_with_counts_and_exits_0()
    {
        _server.SetSync(Id, Succeeded());
        var (code, output, error) = await Vt("syncs", "show", Id, "--server", _server.Url);
        Assert.True(code == 0, output + error);
        Assert.Equal(
            $"sync {Id}: succeeded\n" +
            "  webhook acme/config refs/heads/main 3f2a9c8\n" +
            "  requested 2025-03-01 10:00:00Z, started 2025-03-01 10:00:01Z, finished 2025-03-01 10:00:05Z\n" +
            "configs/app.yaml  rule=app env=production  commit 3f2a9c8\n" +
            "  applied   redis (redis_hash) app:production  1 added, 2 changed, 1 removed, 7 unchanged\n" +
            "  unchanged files (file) out/production/app.env  0 added, 0 changed, 0 removed, 11 unchanged\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Syncs_show_failed_prints_error_destination_errors_and_problems_and_exits_1()
    {
        _server.SetSync(Id, Failed());
        var (code, output, _) = await Vt("syncs", "show", Id, "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.Equal(
            $"sync {Id}: FAILED\n" +
            "  api acme/config refs/heads/main 3f2a9c8  files: configs/app.yaml\n" +
            "  requested 2025-03-01 10:00:00Z, started 2025-03-01 10:00:01Z, finished 2025-03-01 10:00:09Z\n" +
            "  error: 1 destination failed\n" +
            "configs/app.yaml  rule=app env=production  commit 3f2a9c8\n" +
            "  rolled back redis (redis_hash) app:production\n" +
            "  FAILED    zk (zookeeper) /app/production  sink 'zk' (zookeeper) /app/production: connection refused\n" +
            "configs/web.yaml  rule=web env=production  commit 3f2a9c8\n" +
            "  problem: configs/web.yaml:3:1: duplicate key 'a'\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Syncs_show_abandoned_exits_1_and_running_exits_0_saying_it_is_not_finished()
    {
        _server.SetSync(Id, Running() with { State = SyncState.Abandoned, Error = "the host stopped; written destinations were restored" });
        var (code, output, _) = await Vt("syncs", "show", Id, "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.StartsWith($"sync {Id}: ABANDONED\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("  error: the host stopped; written destinations were restored\n", output.ReplaceLineEndings("\n"));

        _server.SetSync(Id, Running());
        (code, output, _) = await Vt("syncs", "show", Id, "--server", _server.Url);
        Assert.Equal(0, code);
        Assert.StartsWith($"sync {Id}: running (not finished)\n", output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("finished 2025", output);
    }

    [Fact]
    public async Task Syncs_show_json_prints_the_servers_record_and_keeps_the_exit_code()
    {
        _server.SetSync(Id, Failed());
        var (code, output, _) = await Vt("syncs", "show", Id, "--server", _server.Url, "--json");
        Assert.Equal(1, code);
        var record = JsonDocument.Parse(output).RootElement;
        Assert.Equal("failed", record.GetProperty("state").GetString());
        var sinks = record.GetProperty("files")[0].GetProperty("sinks");
        Assert.Equal("rolled_back", sinks[0].GetProperty("outcome").GetString());
        Assert.Equal("change", sinks[0].GetProperty("changes").GetProperty("changes")[0].GetProperty("kind").GetString());

        // -o json is the same switch.
        (code, var same, _) = await Vt("syncs", "show", Id, "--server", _server.Url, "-o", "json");
        Assert.Equal(1, code);
        Assert.Equal(output, same);
    }

    [Fact]
    public async Task Syncs_show_of_an_unknown_or_malformed_id_is_one_line_with_the_servers_message_and_exit_2()
    {
        var (code, output, error) = await Vt("syncs", "show", "sync-ffffffffffffffffffffffff", "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: server answered 404 (not_found) to GET /api/syncs/sync-ffffffffffffffffffffffff: no sync with id 'sync-ffffffffffffffffffffffff'",
            error.Trim());

        (code, _, error) = await Vt("syncs", "show", "nope", "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Equal("error: server answered 400 (bad_request) to GET /api/syncs/nope: 'nope' is not a sync id", error.Trim());
    }

    [Fact]
    public async Task Server_down_is_one_line_naming_the_url_and_exit_1()
    {
        var port = LoopbackListener.FreePort();
        var (code, output, error) = await Vt("syncs", "list", "--server", $"http://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith($"error: cannot reach the VarTrack server at http://127.0.0.1:{port}/: ", error);
        Assert.Contains("refused", error, StringComparison.OrdinalIgnoreCase);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task An_answer_that_is_not_VarTrack_json_or_a_server_error_is_one_clear_line()
    {
        _server.Overrides["/api/syncs"] = (200, "<html><body>Welcome to nginx</body></html>", "text/html");
        var (code, _, error) = await Vt("syncs", "list", "--server", _server.Url + "/");
        Assert.Equal(1, code);
        Assert.Equal($"error: the server at {_server.Url}/ answered GET /api/syncs with 200 but not the JSON a VarTrack server sends (text/html); is --server the right URL?",
            error.Trim());

        _server.Overrides["/api/status"] = (500, """{"error":"internal","message":"state store unreachable"}""", "application/json");
        (code, _, error) = await Vt("status", "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: server answered 500 (internal) to GET /api/status: state store unreachable", error.Trim());

        _server.Overrides["/api/status"] = (502, "Bad Gateway", "text/plain");
        (code, _, error) = await Vt("status", "--server", _server.Url);
        Assert.Equal(1, code);
        Assert.Equal("error: server answered 502 (Bad Gateway) to GET /api/status: Bad Gateway", error.Trim());
    }

    [Theory]
    [InlineData("syncs", "list")]
    [InlineData("syncs", "list", "--server", "ftp://example.com")]
    [InlineData("syncs", "list", "--server", "not a url")]
    [InlineData("syncs", "list", "--server", "http://user:pw@example.com")]
    [InlineData("syncs", "show")]
    public async Task Server_usage_errors_exit_2(params string[] args)
    {
        var (code, _, error) = await Vt(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error);
        Assert.DoesNotContain("pw", error);
    }

    // ---- vt sync --server ----

    /// <summary>A Git repository with one commit on branch main, and its HEAD commit.</summary>
    private async Task<(string Root, string Head)> GitRepositoryAsync()
    {
        var root = Path.Combine(_folder, "repo");
        Directory.CreateDirectory(Path.Combine(root, "configs", "sub"));
        await File.WriteAllTextAsync(Path.Combine(root, "configs", "app.yaml"), "a: 1\n");
        await File.WriteAllTextAsync(Path.Combine(root, "configs", "sub", "web.yaml"), "b: 2\n");
        await Git(root, "init", "-q", "-b", "main");
        await Git(root, "add", ".");
        await Git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
        return (root, await Git(root, "rev-parse", "HEAD"));
    }

    private static async Task<string> Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output.Trim();
    }

    private FakeVarTrackServer.Request SinglePost() => Assert.Single(_server.Requests, r => r.Method == "POST");

    [Fact]
    public async Task Sync_server_posts_repository_branch_head_and_repository_paths_with_the_bearer_token()
    {
        var (root, head) = await GitRepositoryAsync();
        var (code, output, error) = await VtIn(Path.Combine(root, "configs"),
            "sync", "app.yaml", "sub/web.yaml", "../configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", Token);
        Assert.True(code == 0, output + error);
        Assert.Equal(
            $"sync {_server.AcceptedId} accepted: acme/config refs/heads/main {head[..7]}, 2 file(s)\n" +
            $"status: {_server.Url}/api/syncs/{_server.AcceptedId}\n", output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(Token, output + error);

        var post = SinglePost();
        Assert.Equal("/api/syncs", post.PathAndQuery);
        Assert.Equal($"Bearer {Token}", post.Authorization);
        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal("acme/config", body.GetProperty("repository").GetString());
        Assert.Equal("refs/heads/main", body.GetProperty("ref").GetString());
        Assert.Equal(head, body.GetProperty("commit").GetString());
        Assert.Equal(["configs/app.yaml", "configs/sub/web.yaml"], body.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.False(body.TryGetProperty("clone_url", out _));
    }

    [Fact]
    public async Task Sync_server_takes_ref_and_commit_as_given_and_the_token_from_VT_API_TOKEN()
    {
        var (root, _) = await GitRepositoryAsync();
        Environment.SetEnvironmentVariable(ServerContext.TokenVariable, Token);
        try
        {
            var (code, output, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config",
                "--ref", "refs/tags/v1.2.3", "--commit", "abc1234def", "--json");
            Assert.True(code == 0, output + error);
            var accepted = JsonDocument.Parse(output).RootElement;
            Assert.Equal(_server.AcceptedId, accepted.GetProperty("sync_id").GetString());
            Assert.DoesNotContain(Token, output + error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServerContext.TokenVariable, null);
        }
        var post = SinglePost();
        Assert.Equal($"Bearer {Token}", post.Authorization);
        var body = JsonDocument.Parse(post.Body).RootElement;
        Assert.Equal("refs/tags/v1.2.3", body.GetProperty("ref").GetString());
        Assert.Equal("abc1234def", body.GetProperty("commit").GetString());
    }

    [Fact]
    public async Task Sync_server_refused_token_is_one_line_that_never_shows_the_token()
    {
        var (root, _) = await GitRepositoryAsync();
        var (code, output, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", "wrong-token-1234");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        // The fake echoes the token it refused; the CLI masks it anyway.
        Assert.Equal("error: the server refused the API token; server answered 401 (unauthorized) to POST /api/syncs: invalid bearer token '***'", error.Trim());

        (code, _, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config");
        Assert.Equal(1, code);
        Assert.StartsWith("error: no API token given (--token or VT_API_TOKEN); server answered 401 (unauthorized)", error);

        _server.ApiToken = null;
        (code, _, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", "some-token-5678");
        Assert.Equal(1, code);
        Assert.Equal("error: the server does not accept this request; server answered 403 (forbidden) to POST /api/syncs: " +
                     "this server has no API token configured; POST /api/syncs is disabled", error.Trim());
        Assert.DoesNotContain("some-token-5678", error);
    }

    [Fact]
    public async Task Sync_server_wait_polls_until_succeeded_and_prints_the_sync()
    {
        var (root, _) = await GitRepositoryAsync();
        _server.AcceptedId = Id;
        _server.SetSync(Id, Running() with { State = SyncState.Queued, StartedAt = null }, Running(), Succeeded());
        var (code, output, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", Token, "--wait");
        Assert.True(code == 0, output + error);
        Assert.Contains($"\nsync {Id}: succeeded\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("  applied   redis (redis_hash) app:production  1 added, 2 changed, 1 removed, 7 unchanged\n", output.ReplaceLineEndings("\n"));
        Assert.Equal($"waiting for {Id}: queued\nwaiting for {Id}: running\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(3, _server.Requests.Count(r => r is { Method: "GET" } && r.PathAndQuery == $"/api/syncs/{Id}"));
        Assert.DoesNotContain(Token, output + error);
    }

    [Fact]
    public async Task Sync_server_wait_for_a_failed_sync_exits_1_and_tolerates_a_sync_not_recorded_yet()
    {
        var (root, _) = await GitRepositoryAsync();
        _server.AcceptedId = Id;
        var run = VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", Token, "--wait");
        // The first poll finds nothing (404); the record appears while the CLI waits. Waiting for that poll rather
        // than a fixed time: on a loaded machine the CLI may not have polled yet after any guessed delay.
        var deadline = Stopwatch.StartNew();
        while (!_server.Requests.Any(r => r is { Method: "GET" } && r.PathAndQuery == $"/api/syncs/{Id}"))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the CLI never polled the sync");
            Assert.False(run.IsCompleted, "the CLI ended before polling the sync");
            await Task.Delay(20);
        }
        _server.SetSync(Id, Failed());
        var (code, output, error) = await run;
        Assert.Equal(1, code);
        Assert.Contains($"sync {Id}: FAILED\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("  error: 1 destination failed\n", output.ReplaceLineEndings("\n"));
        Assert.Equal($"waiting for {Id}: not recorded yet\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Sync_server_wait_gives_up_after_the_timeout_with_one_clear_line()
    {
        var (root, _) = await GitRepositoryAsync();
        _server.AcceptedId = Id;
        _server.SetSync(Id, Running());
        var clock = Stopwatch.StartNew();
        var (code, output, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", Token,
            "--wait", "--timeout", "1500ms");
        Assert.Equal(1, code);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Contains($"sync {Id} accepted", output);
        Assert.Equal(
            $"waiting for {Id}: running\n" +
            $"error: sync {Id} did not finish within 1500ms (last state: running); check it later with 'vt syncs show {Id} --server {_server.Url}/'\n",
            error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--sink", "redis")]
    [InlineData("--env", "production")]
    [InlineData("--rule", "app")]
    [InlineData("--timeout", "soon", "--wait")]
    public async Task Sync_server_with_local_selection_or_a_bad_timeout_is_a_usage_error(params string[] more)
    {
        var (root, _) = await GitRepositoryAsync();
        var (code, _, error) = await VtIn(root, ["sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config", "--token", Token, .. more]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Sync_server_usage_errors_name_what_is_missing()
    {
        var (root, _) = await GitRepositoryAsync();
        var (code, _, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url);
        Assert.Equal(2, code);
        Assert.Equal("error: --repository is required with --server (the repository as the server knows it, e.g. acme/config)", error.Trim());

        (code, _, error) = await VtIn(root, "sync", "../elsewhere.yaml", "--server", _server.Url, "--repository", "acme/config");
        Assert.Equal(2, code);
        Assert.Equal($"error: '../elsewhere.yaml' is not a file inside the Git repository at {root}", error.Trim());

        var outside = Directory.CreateTempSubdirectory("vt-nogit-").FullName;
        try
        {
            (code, _, error) = await VtIn(outside, "sync", "app.yaml", "--server", _server.Url, "--repository", "acme/config");
            Assert.Equal(2, code);
            Assert.Equal($"error: no Git repository at or above {outside}: run 'vt sync --server' inside the repository's working tree", error.Trim());
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }

        await Git(root, "checkout", "-q", "--detach");
        (code, _, error) = await VtIn(root, "sync", "configs/app.yaml", "--server", _server.Url, "--repository", "acme/config");
        Assert.Equal(2, code);
        Assert.Equal($"error: HEAD is detached in {root}, so there is no current branch; pass --ref (e.g. --ref refs/heads/main)", error.Trim());

        // Without --server the server-only options are refused rather than ignored.
        (code, _, error) = await VtIn(root, "sync", "configs/app.yaml", "--wait");
        Assert.Equal(2, code);
        Assert.Equal("error: --repository, --wait and --timeout need --server", error.Trim());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Missing_git_is_a_clear_error_suggesting_commit_and_ref()
    {
        var tree = new GitWorkingTree(_folder, "vt-test-no-such-git");
        var ex = await Assert.ThrowsAsync<IOException>(() => tree.HeadCommitAsync(CancellationToken.None));
        Assert.StartsWith("'vt-test-no-such-git' could not be run (", ex.Message);
        Assert.EndsWith("): install Git, or pass --commit and --ref", ex.Message);
    }

    // ---- vt status --server ----

    private const string StatusJson = """
        {"destinations":[
          {"sink":"redis","destination":"app:production","rule":"app","file":"configs/app.yaml","environment":"production",
           "commit":"3f2a9c81d0e4b5a6978812345678901234567890","applied_at":"2025-03-01T10:00:05+00:00","keys":12,
           "drift":{"state":"in_sync","checked_at":"2025-03-01T11:00:00+00:00","added":0,"changed":0,"removed":0,"keys":[]}},
          {"sink":"zk","destination":"/app/production","rule":"app","file":"configs/app.yaml","environment":"production",
           "commit":"3f2a9c81d0e4b5a6978812345678901234567890","applied_at":"2025-03-01T10:00:05+00:00","keys":12,
           "drift":{"state":"drifted","checked_at":"2025-03-01T11:00:00+00:00","added":1,"changed":2,"removed":0,
                    "keys":[{"key":"x","kind":"add","after":"1"},{"key":"port","kind":"change","before":"8080","after":"9999"},{"key":"db.password","kind":"change","before":"***","after":"***"}]}},
          {"sink":"files","destination":"out/production/app.env","rule":"app","file":"configs/app.yaml","environment":"production",
           "commit":"3f2a9c81d0e4b5a6978812345678901234567890","applied_at":"2025-03-01T10:00:05+00:00","keys":12,
           "drift":{"state":"healed","checked_at":"2025-03-01T11:00:00+00:00","added":0,"changed":0,"removed":1,"keys":[{"key":"old","kind":"remove","before":"x"}],
                    "healed_at":"2025-03-01T11:00:02+00:00","heal_sync_id":"sync-aaaaaaaaaaaaaaaaaaaaaaaa"}},
          {"sink":"s3","destination":"cfg/web.json","rule":"web","file":"configs/web.yaml","environment":"staging",
           "applied_at":"2025-02-28T09:30:00+00:00","keys":3,
           "drift":{"state":"unreachable","checked_at":"2025-03-01T11:00:00+00:00","added":0,"changed":0,"removed":0,"keys":[],"error":"sink 's3' (s3) cfg/web.json: connection refused"}},
          {"sink":"vault","destination":"kv/web","rule":"web","file":"configs/web.yaml","environment":"staging","commit":"abc","applied_at":"2025-02-28T09:30:00+00:00","keys":3}
        ]}
        """;

    [Fact]
    public async Task Status_server_prints_one_line_per_destination_with_drift_and_heal()
    {
        _server.StatusJson = StatusJson;
        var (code, output, error) = await Vt("status", "--server", _server.Url);
        Assert.True(code == 0, output + error);
        Assert.Equal(
            "redis app:production  rule=app file=configs/app.yaml env=production  commit 3f2a9c8 applied 2025-03-01 10:00:05Z, 12 keys, drift: in_sync (checked 2025-03-01 11:00:00Z)\n" +
            "zk /app/production  rule=app file=configs/app.yaml env=production  commit 3f2a9c8 applied 2025-03-01 10:00:05Z, 12 keys, drift: drifted (1 added, 2 changed, 0 removed; checked 2025-03-01 11:00:00Z)\n" +
            "files out/production/app.env  rule=app file=configs/app.yaml env=production  commit 3f2a9c8 applied 2025-03-01 10:00:05Z, 12 keys, " +
            "drift: healed (0 added, 0 changed, 1 removed; checked 2025-03-01 11:00:00Z) healed 2025-03-01 11:00:02Z by sync-aaaaaaaaaaaaaaaaaaaaaaaa\n" +
            "s3 cfg/web.json  rule=web file=configs/web.yaml env=staging  commit - applied 2025-02-28 09:30:00Z, 3 keys, drift: unreachable (checked 2025-03-01 11:00:00Z)  error: sink 's3' (s3) cfg/web.json: connection refused\n" +
            "vault kv/web  rule=web file=configs/web.yaml env=staging  commit abc applied 2025-02-28 09:30:00Z, 3 keys, drift: not checked\n",
            output.ReplaceLineEndings("\n"));

        (code, output, _) = await Vt("status", "--server", _server.Url, "--json");
        Assert.Equal(0, code);
        Assert.Equal(5, JsonDocument.Parse(output).RootElement.GetProperty("destinations").GetArrayLength());
        Assert.All(_server.Requests, r => Assert.Equal("/api/status", r.PathAndQuery));
    }

    [Fact]
    public async Task Status_server_refuses_local_selection()
    {
        var (code, _, error) = await Vt("status", "--server", _server.Url, "--env", "production");
        Assert.Equal(2, code);
        Assert.StartsWith("error: with --server, status shows every destination the server tracks", error);
        Assert.Empty(_server.Requests);
    }
}

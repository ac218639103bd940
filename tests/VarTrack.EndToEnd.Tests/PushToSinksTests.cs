using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VarTrack.Core.Drift;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Push to Git, config lands: a real push to the Git HTTP server, a signed webhook to the real server, and the values
/// read back from Redis, ZooKeeper, Azurite and the file. Each test has its own repository (and so its own destinations).
/// </summary>
public sealed class PushToSinksTests(RunningServer server) : IClassFixture<RunningServer>
{
    private const string App = "config/app.yaml";

    private static Dictionary<string, string?> Files(string path, string? content) => new() { [path] = content };

    private static string AppYaml(string host, int port = 5432, string? extra = null) =>
        $"database:\n  host: {host}\n  port: {port}\nfeature: on\n{extra}";

    [Fact]
    public async Task A_push_lands_in_every_sink()
    {
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(Files(App, AppYaml("db.prod")));

        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = [App] });

        Assert.Equal(SyncState.Succeeded, record.State);
        var file = Assert.Single(record.Files);
        Assert.Equal(("production", after), (file.Environment, file.Commit));
        Assert.All(file.Sinks, s => Assert.Equal(SinkOutcome.Applied, s.Outcome));
        Assert.Equal(["blob", "cache", "coordination", "files"], file.Sinks.Select(s => s.Sink).Order());
        var expected = new Dictionary<string, string?> { ["database.host"] = "db.prod", ["database.port"] = "5432", ["feature"] = "on" };
        Assert.Equal(expected, (await server.RedisValuesAsync(repo)).ToDictionary(e => e.Key, e => (string?)e.Value));
        Assert.Equal(expected, await server.ZooKeeperValuesAsync(repo));
        Assert.Equal(expected, await server.BlobValuesAsync(repo));
        Assert.Equal(expected, server.FileValues(repo).ToDictionary(e => e.Key, e => (string?)e.Value));
        var provenance = await server.Redis.HashGetAsync(RunningServer.RedisKey(repo) + ":__vartrack__", "app:config/app.yaml");
        Assert.Equal(after, JsonDocument.Parse(provenance.ToString()).RootElement.GetProperty("commit").GetString());
    }

    [Fact]
    public async Task An_invalid_config_changes_nothing_and_the_status_says_why()
    {
        var repo = new PushedRepository();
        var (b1, a1) = repo.CommitAndPush(Files(App, AppYaml("db.good")));
        Assert.Equal(SyncState.Succeeded, (await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b1, a1) { Added = [App] })).State);

        var (b2, a2) = repo.CommitAndPush(Files(App, "database:\n  host: db.bad\n  port: [unclosed\n"));
        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b2, a2) { Modified = [App] });

        Assert.Equal(SyncState.Failed, record.State);
        var problem = Assert.Single(Assert.Single(record.Files).Problems);
        Assert.Matches(@"^config/app\.yaml:\d+:\d+: ", problem);
        Assert.Equal("db.good", (await server.RedisValuesAsync(repo))["database.host"]);
        Assert.Equal("db.good", (await server.ZooKeeperValuesAsync(repo))["database.host"]);
        Assert.Equal("db.good", (await server.BlobValuesAsync(repo))["database.host"]);
        Assert.Equal("db.good", server.FileValues(repo)["database.host"]);
    }

    [Fact]
    public async Task A_hand_edit_is_reported_as_drift_and_healed()
    {
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(Files(App, AppYaml("db.prod")));
        await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = [App] });

        await server.Redis.HashSetAsync(RunningServer.RedisKey(repo), "database.host", "hacked");
        await server.Redis.HashDeleteAsync(RunningServer.RedisKey(repo), "feature");

        var healed = await Eventually.TrueAsync(async () => (await server.RedisValuesAsync(repo)) is var v && v.GetValueOrDefault("database.host") == "db.prod" && v.ContainsKey("feature"));
        Assert.True(healed, "the watcher did not restore the hand-edited Redis hash within 60 s");
        // The values come back before the heal is recorded in the drift report (the last step of the heal): wait for it.
        JsonElement redis = default;
        var recorded = await Eventually.TrueAsync(async () =>
        {
            var status = await server.Http.GetFromJsonAsync<JsonElement>("/api/status");
            redis = status.GetProperty("destinations").EnumerateArray().Single(d => d.GetProperty("destination").GetString() == RunningServer.RedisKey(repo));
            return redis.GetProperty("drift").TryGetProperty("healed_at", out _);
        });
        var drift = redis.GetProperty("drift");
        Assert.True(recorded, drift.ToString());
        Assert.Equal(after, redis.GetProperty("commit").GetString());
        var heal = await server.WaitForSyncAsync(drift.GetProperty("heal_sync_id").GetString()!);
        Assert.Equal(("heal", SyncState.Succeeded), (heal.Request.Trigger, heal.State));
        // A legitimate sync right after is never drift: the next check finds the destination in sync.
        var (b2, a2) = repo.CommitAndPush(Files(App, AppYaml("db.next")));
        await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b2, a2) { Modified = [App] });
        // Wait for a check after that sync (its report names the new commit) rather than a fixed time: on a loaded
        // machine the 300 ms drift tick may not have come round within any guessed delay.
        var reports = server.Services.GetRequiredService<DriftReportStore>();
        DriftReport? report = null;
        var checkedAfter = await Eventually.TrueAsync(async () =>
            (report = await reports.LoadAsync("cache", RunningServer.RedisKey(repo), "app", App)) is { } r && r.Commit == a2);
        Assert.True(checkedAfter, $"no drift check of commit {a2} within 60 s (last report: {report?.Commit})");
        Assert.NotNull(report);
        Assert.Equal(a2, report.Commit);
        Assert.Empty(report.Keys);
    }

    [Fact]
    public async Task A_redelivered_webhook_runs_one_sync()
    {
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(Files(App, AppYaml("db.once")));
        var push = new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = [App] };

        var first = await server.SyncAsync(push);
        var (status, body) = await server.DeliverAsync(push);
        var (statusNewDelivery, bodyNewDelivery) = await server.DeliverAsync(push with { DeliveryId = Guid.NewGuid().ToString() });

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.Id, body.GetProperty("sync_ids")[0].GetString());
        Assert.Equal(202, statusNewDelivery);
        Assert.Equal(first.Id, bodyNewDelivery.GetProperty("sync_id").GetString());
        var again = await server.WaitForSyncAsync(first.Id);
        Assert.Equal(first.FinishedAt, again.FinishedAt);
        var syncs = await server.Http.GetFromJsonAsync<JsonElement>("/api/syncs?limit=1000");
        Assert.Single(syncs.GetProperty("syncs").EnumerateArray(), s => s.GetProperty("request").GetProperty("repository").GetString() == repo.Name);
    }

    [Fact]
    public async Task An_older_commit_delivered_after_a_newer_one_does_not_regress()
    {
        var repo = new PushedRepository();
        var (b1, a1) = repo.CommitAndPush(Files(App, AppYaml("db.old")));
        var (b2, a2) = repo.CommitAndPush(Files(App, AppYaml("db.new")));

        Assert.Equal(SyncState.Succeeded, (await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b2, a2) { Modified = [App] })).State);
        var late = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b1, a1) { Added = [App] });

        Assert.All(Assert.Single(late.Files).Sinks, s => Assert.Equal(SinkOutcome.SkippedOlderCommit, s.Outcome));
        Assert.Equal("db.new", (await server.RedisValuesAsync(repo))["database.host"]);
        Assert.Equal("db.new", server.FileValues(repo)["database.host"]);
    }

    [Fact]
    public async Task A_config_file_deleted_in_git_removes_the_keys_it_owned()
    {
        var repo = new PushedRepository();
        var (b1, a1) = repo.CommitAndPush(Files(App, AppYaml("db.prod")));
        await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b1, a1) { Added = [App] });
        await server.Redis.HashSetAsync(RunningServer.RedisKey(repo), "someone.else", "kept");

        var (b2, a2) = repo.CommitAndPush(Files(App, null));
        var record = await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b2, a2) { Removed = [App] });

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.True(Assert.Single(record.Files).Deleted);
        Assert.Equal(new Dictionary<string, string> { ["someone.else"] = "kept" }, await server.RedisValuesAsync(repo));
        Assert.Empty(await server.ZooKeeperValuesAsync(repo));
        Assert.Empty(await server.BlobValuesAsync(repo));
        Assert.Empty(server.FileValues(repo));
    }

    [Fact]
    public async Task A_push_without_a_file_list_is_diffed_against_the_last_applied_commit()
    {
        var repo = new PushedRepository();
        var (b1, a1) = repo.CommitAndPush(Files(App, AppYaml("db.one")));
        await server.SyncAsync(new GitHubPush(repo.Name, repo.CloneUrl, b1, a1) { Added = [App] });
        var (b2, a2) = repo.CommitAndPush(new Dictionary<string, string?> { [App] = AppYaml("db.two"), ["README.md"] = "not config" });

        // A payload whose commit carries no file lists: the server diffs a1..a2 itself.
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = "refs/heads/main", before = b2, after = a2, deleted = false,
            repository = new { full_name = repo.Name, clone_url = repo.CloneUrl, name = "x" },
            head_commit = new { id = a2 },
        });
        var push = new GitHubPush(repo.Name, repo.CloneUrl, b2, a2);
        var (status, answer) = await server.SendAsync(push.Request(RunningServer.Secret, body));
        Assert.True(status == 202, answer.ToString());
        var record = await server.WaitForSyncAsync(answer.GetProperty("sync_id").GetString()!);

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.Equal([App], record.Files.Select(f => f.File));
        Assert.Equal("db.two", (await server.RedisValuesAsync(repo))["database.host"]);
    }

    [Fact]
    public async Task Fifty_concurrent_webhooks_for_one_destination_end_with_the_newest_commit()
    {
        var repo = new PushedRepository();
        var pushes = new List<GitHubPush>();
        for (var i = 1; i <= 50; i++)
        {
            var before = repo.Head;
            var after = repo.Commit(Files(App, AppYaml($"db-{i}", 5000 + i)), $"change {i}");
            pushes.Add(new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Modified = [App] });
        }
        repo.Push();

        var answers = await Task.WhenAll(pushes.OrderBy(_ => Random.Shared.Next()).Select(server.DeliverAsync));
        Assert.All(answers, a => Assert.Equal(202, a.Status));
        var records = await Task.WhenAll(answers.Select(a => server.WaitForSyncAsync(a.Body.GetProperty("sync_id").GetString()!)));

        Assert.All(records, r => Assert.Equal(SyncState.Succeeded, r.State));
        var values = await server.RedisValuesAsync(repo);
        Assert.Equal(("db-50", "5050"), (values["database.host"], values["database.port"]));
        Assert.Equal("db-50", server.FileValues(repo)["database.host"]);
        Assert.Equal("db-50", (await server.ZooKeeperValuesAsync(repo))["database.host"]);
        Assert.Equal("db-50", (await server.BlobValuesAsync(repo))["database.host"]);
        // Nothing interleaved: host and port always come from the same commit, in every sink.
        Assert.Equal(("db-50", "5050"), (server.FileValues(repo)["database.host"], server.FileValues(repo)["database.port"]));
    }

    [Fact]
    public async Task Bad_signatures_and_malformed_requests_are_refused_and_start_nothing()
    {
        var repo = new PushedRepository();
        var (before, after) = repo.CommitAndPush(Files(App, AppYaml("db.never")));
        var push = new GitHubPush(repo.Name, repo.CloneUrl, before, after) { Added = [App] };
        var body = push.Body();

        var wrongSecret = await server.SendAsync(push.Request("not-the-secret"));
        var tampered = await server.SendAsync(push.Request(RunningServer.Secret, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("refs/heads/main", "refs/heads/evil")), GitHubPush.Sign(body, RunningServer.Secret)));
        var noSignature = push.Request(RunningServer.Secret);
        noSignature.Headers.Remove("X-Hub-Signature-256");
        var unsigned = await server.SendAsync(noSignature);
        var notJson = "{not json"u8.ToArray();
        var malformed = await server.SendAsync(push.Request(RunningServer.Secret, notJson));
        var missingRepository = JsonSerializer.SerializeToUtf8Bytes(new { @ref = "refs/heads/main", after });
        var incomplete = await server.SendAsync(push.Request(RunningServer.Secret, missingRepository));
        var huge = new byte[6 * 1024 * 1024];
        var oversize = await server.SendAsync(push.Request(RunningServer.Secret, huge));
        var unknownPlatform = await server.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/sourcehut") { Content = new ByteArrayContent(body) });
        var gitlab = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/gitlab") { Content = new ByteArrayContent(body) };
        gitlab.Headers.Add("X-Gitlab-Token", "anything");
        gitlab.Headers.Add("X-Gitlab-Event", "Push Hook");
        var noSecretConfigured = await server.SendAsync(gitlab);

        Assert.Equal(401, wrongSecret.Status);
        Assert.Equal(401, tampered.Status);
        Assert.Equal(401, unsigned.Status);
        Assert.Equal(400, malformed.Status);
        Assert.Equal(400, incomplete.Status);
        Assert.Contains("repository", incomplete.Body.GetProperty("message").GetString());
        Assert.Equal(413, oversize.Status);
        Assert.Equal(404, unknownPlatform.Status);
        Assert.Equal(403, noSecretConfigured.Status);
        foreach (var answer in new[] { wrongSecret, tampered, unsigned, malformed, incomplete, oversize, unknownPlatform, noSecretConfigured })
        {
            Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("message").GetString()));
            Assert.DoesNotContain(RunningServer.Secret, answer.Body.ToString());
        }
        var id = SyncIds.For(repo.Name, "refs/heads/main", after);
        using var status = await server.Http.GetAsync($"/api/syncs/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(await server.RedisValuesAsync(repo));
        // The refused deliveries recorded nothing: the same delivery, correctly signed, is accepted.
        Assert.Equal(SyncState.Succeeded, (await server.SyncAsync(push)).State);
    }

    [Fact]
    public async Task The_api_syncs_a_named_file_for_ci_with_a_bearer_token()
    {
        var repo = new PushedRepository();
        var (_, after) = repo.CommitAndPush(Files(App, AppYaml("db.api")));
        var body = new { repository = repo.Name, @ref = "refs/heads/main", commit = after, files = new[] { App }, clone_url = repo.CloneUrl };

        using var anonymous = await server.Http.PostAsJsonAsync("/api/syncs", body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/syncs") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RunningServer.ApiToken);
        var (status, answer) = await server.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(202, status);
        var record = await server.WaitForSyncAsync(answer.GetProperty("sync_id").GetString()!);
        Assert.Equal(("api", SyncState.Succeeded), (record.Request.Trigger, record.State));
        Assert.Equal("db.api", (await server.RedisValuesAsync(repo))["database.host"]);
    }

    [Theory]
    [InlineData("{\"repository\":\"e2e/x\",\"ref\":\"refs/heads/main\",\"commit\":\"not-hex\",\"clone_url\":\"http://x\"}", "'commit' must be a commit id")]
    [InlineData("{\"ref\":\"refs/heads/main\",\"commit\":\"abcdef1\",\"clone_url\":\"http://x\"}", "'repository' is missing")]
    [InlineData("{\"repository\":\"e2e/x\",\"ref\":\"refs/heads/main\",\"commit\":\"abcdef1\",\"files\":[\"../etc/passwd\"],\"clone_url\":\"http://x\"}", "'files' must list paths relative")]
    [InlineData("{\"repository\":\"e2e/x\",\"ref\":\"refs/heads/main\",\"commit\":\"abcdef1\"}", "'clone_url' is missing")]
    [InlineData("{\"repository\": [1]", "the body is not the expected JSON")]
    public async Task The_api_refuses_a_malformed_sync_request_naming_the_field(string body, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/syncs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RunningServer.ApiToken);
        var (status, answer) = await server.SendAsync(request);

        Assert.Equal(400, status);
        Assert.Contains(message, answer.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Status_routes_answer_malformed_ids_and_health()
    {
        using var badId = await server.Http.GetAsync("/api/syncs/not-an-id");
        using var missing = await server.Http.GetAsync($"/api/syncs/{SyncIds.For("x/y", "refs/heads/main", "0000000")}");
        var health = await server.Http.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }
}

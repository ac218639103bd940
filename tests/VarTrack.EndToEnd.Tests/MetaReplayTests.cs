using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using VarTrack.Cli;
using VarTrack.Connectors.Meta;
using VarTrack.Connectors.Tests.Meta;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Replaying failed notifications end to end: the real server, a meta repository on the Git HTTP server, a signed push
/// webhook, and two subscribers (Kestrel receivers that check the HMAC) failing every attempt. After a replay (one with
/// <c>vt ... --server</c> through the API, one with <c>vt ... --state</c> over the server's state folder) the server's
/// notifier delivers each with the delivery id of the failed attempts, the same body and a valid signature.
/// </summary>
public sealed class MetaReplayTests : IAsyncLifetime
{
    private const string WebhookSecret = "e2e-replay-webhook-secret-4d2";
    private const string DeploySecret = "e2e-replay-deploy-secret-91f";
    private const string AuditSecret = "e2e-replay-audit-secret-0ab";
    private const string ApiToken = "e2e-replay-api-token-6e3";
    private const int Attempts = 2;
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vt-e2e-replay-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _repositoryName = "e2e/replay" + Guid.NewGuid().ToString("N")[..8];
    private WebApplication? _app;
    private SubscriberReceiver? _deploy;
    private SubscriberReceiver? _audit;
    private HttpClient _http = null!;
    private string _url = "";
    private GitMetaRepository? _writerClone;

    private string CloneUrl => $"{TestServices.GitHttp}/git/{_repositoryName}.git";

    private string Bare => Path.Combine(TestServices.GitHttpRoot, _repositoryName + ".git");

    public async Task InitializeAsync()
    {
        TestServices.Require("the Git HTTP server", TestServices.GitHttp);
        Directory.CreateDirectory(Bare);
        Git.Run(Bare, "init", "-q", "--bare", "-b", "main");
        // Both fail every attempt the notifier makes before the replay, then accept.
        _deploy = await SubscriberReceiver.StartAsync(DeploySecret, failFirst: Attempts);
        _audit = await SubscriberReceiver.StartAsync(AuditSecret, failFirst: Attempts);
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, "vartrack.yaml");
        await File.WriteAllTextAsync(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{WebhookSecret}}" }
            meta:
              repository: {{CloneUrl}}
              name: {{_repositoryName}}
              subscribers:
                deploy: { url: "{{_deploy.Url}}", secret: "{{DeploySecret}}" }
                audit: { url: "{{_audit.Url}}", secret: "{{AuditSecret}}" }
              delivery: { attempts: {{Attempts}}, backoff: 100ms }
            """);
        _url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        _app = ServerApp.Create(["--urls", _url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(_folder, "state");
            options.ApiToken = ApiToken;
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_url), Timeout = TimeSpan.FromSeconds(30) };
        _writerClone = new GitMetaRepository(new MetaSettings(CloneUrl) { Name = _repositoryName }, GitSettings.Default, Path.Combine(_folder, "ci-clone"), new SettingResolver(_ => null));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_deploy is not null) await _deploy.DisposeAsync();
        if (_audit is not null) await _audit.DisposeAsync();
        _writerClone?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        try { Directory.Delete(Bare, recursive: true); } catch (IOException) { }
    }

    private async Task<string> PromoteAndPushAsync()
    {
        var settings = new MetaSettings(CloneUrl) { Name = _repositoryName };
        var writer = new MetaWriter(_writerClone!, new MetaFileCodec(settings, null, new SettingResolver(_ => null)), "ci");
        await writer.CreateReleaseAsync("shop", new ReleaseRecord("1.0.0", Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, "ci/1", null));
        var promoted = await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", "launch");
        var push = new GitHubPush(_repositoryName, CloneUrl, new string('0', 40), promoted.Commit) { Added = [promoted.Change.Files[0].Path] };
        using var response = await _http.SendAsync(push.Request(WebhookSecret));
        Assert.Equal(202, (int)response.StatusCode);
        return promoted.Commit;
    }

    private async Task<(int Status, string Body)> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<IReadOnlyList<MetaNotificationView>> FailedAsync()
    {
        var (status, body) = await GetAsync("/api/meta/notifications?state=failed", ApiToken);
        Assert.Equal(200, status);
        return JsonSerializer.Deserialize<MetaNotificationList>(body, StateJson.Options)!.Notifications;
    }

    private async Task<(int Code, string Out, string Err)> VtAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(["meta", "notifications", .. args], output, error, _folder);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The receiver records a request just after accepting it: waits (bounded) until it has recorded <paramref name="count"/>.</summary>
    private static async Task<int> RequestsAsync(SubscriberReceiver receiver, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (receiver.Requests.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return receiver.Requests.Count;
    }

    [Fact]
    public async Task Notifications_that_failed_every_attempt_are_delivered_after_a_replay_with_the_same_delivery_id_and_a_valid_signature()
    {
        var commit = await PromoteAndPushAsync();

        // Both given up: wait (bounded generously) until the server lists two failed notifications.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        IReadOnlyList<MetaNotificationView> failed = [];
        while ((failed = await FailedAsync()).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(["audit", "deploy"], failed.Select(f => f.Subscriber).Order(StringComparer.Ordinal));
        Assert.All(failed, f => Assert.Equal((Attempts, "HTTP 500 Internal Server Error", "shop", "prod", "1.0.0"), (f.Attempts, f.LastError, f.Project, f.Channel, f.ReleaseId)));
        Assert.Equal(Attempts, _deploy!.Requests.Count);
        Assert.Equal(Attempts, _audit!.Requests.Count);
        Assert.Empty(_deploy.Accepted);
        Assert.Equal(401, (await GetAsync("/api/meta/notifications", null)).Status);
        var deployId = failed.Single(f => f.Subscriber == "deploy").DeliveryId;
        var auditId = failed.Single(f => f.Subscriber == "audit").DeliveryId;

        // deploy: through the server's API.
        var listed = await VtAsync("list", "--failed", "--server", _url, "--token", ApiToken);
        Assert.Equal(0, listed.Code);
        Assert.Contains($"failed   {deployId}  deploy  shop/prod 1.0.0  {Attempts} attempts, last ", listed.Out);
        var replayed = await VtAsync("replay", deployId, "--server", _url, "--token", ApiToken);
        Assert.Equal((0, ""), (replayed.Code, replayed.Err));
        Assert.StartsWith($"replayed {deployId} (subscriber deploy): back in the outbox", replayed.Out);

        var deployed = await _deploy.WaitForAsync(1, TimeSpan.FromSeconds(60));
        var expectedBody = $$"""{"project":"shop","channel":"prod","release_id":"1.0.0","previous_release_id":null,"commit":"{{commit}}"}""";
        Assert.Equal(expectedBody, deployed[deployId]);
        Assert.Equal(Attempts + 1, await RequestsAsync(_deploy, Attempts + 1));
        Assert.All(_deploy.Requests, r => Assert.Equal((deployId, expectedBody, true), (r.Delivery, r.Body, r.SignatureValid)));

        // audit: over the server's state folder, as an operator on the server's machine would.
        var local = await VtAsync("replay", auditId, "--state", Path.Combine(_folder, "state"));
        Assert.Equal((0, ""), (local.Code, local.Err));
        var audited = await _audit.WaitForAsync(1, TimeSpan.FromSeconds(60));
        Assert.Equal(expectedBody, audited[auditId]);
        Assert.Equal(Attempts + 1, await RequestsAsync(_audit, Attempts + 1));
        Assert.All(_audit.Requests, r => Assert.Equal((auditId, expectedBody, true), (r.Delivery, r.Body, r.SignatureValid)));

        Assert.Empty(await FailedAsync());
        var again = await VtAsync("replay", deployId, "--server", _url, "--token", ApiToken);
        Assert.Equal(1, again.Code);
        Assert.Contains($"no failed notification with delivery id '{deployId}'", again.Err);
    }

    [Fact]
    public async Task The_replay_route_needs_the_API_token_and_a_selection()
    {
        using var noToken = await _http.PostAsync("/api/meta/notifications/replay", new StringContent("""{"all":true}"""));
        Assert.Equal(401, (int)noToken.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meta/notifications/replay") { Content = new StringContent("""{"delivery_id":"mdl-1","all":true}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var both = await _http.SendAsync(request);
        Assert.Equal(400, (int)both.StatusCode);
        Assert.Contains("\"malformed_request\"", await both.Content.ReadAsStringAsync());

        var (status, body) = await GetAsync("/api/meta/notifications?state=lost", ApiToken);
        Assert.Equal((400, true), (status, body.Contains("\"bad_state\"")));
        var unknown = await VtAsync("replay", "mdl-0123456789abcdef01234567", "--server", _url, "--token", ApiToken);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("(unknown_delivery)", unknown.Err);
        Assert.Contains("'mdl-0123456789abcdef01234567'", unknown.Err);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using VarTrack.Connectors.Meta;
using VarTrack.Connectors.Tests.Meta;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Releases;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The self-hosted server with a <c>meta:</c> section: the read API over a meta repository on the Git HTTP server, and
/// a signed GitHub push webhook for that repository ending in a signed notification at a subscriber (a Kestrel
/// receiver that checks the HMAC).
/// </summary>
public sealed class MetaServerTests : IAsyncLifetime
{
    private const string WebhookSecret = "e2e-meta-webhook-secret-2b7";
    private const string SubscriberSecret = "e2e-meta-subscriber-secret-c41";
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vt-e2e-meta-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _repositoryName = "e2e/meta" + Guid.NewGuid().ToString("N")[..8];
    private WebApplication? _app;
    private SubscriberReceiver? _subscriber;
    private HttpClient _http = null!;
    private MetaWriter _writer = null!;
    private GitMetaRepository? _writerClone;

    private string CloneUrl => $"{TestServices.GitHttp}/git/{_repositoryName}.git";

    public async Task InitializeAsync()
    {
        TestServices.Require("the Git HTTP server", TestServices.GitHttp);
        var bare = Path.Combine(TestServices.GitHttpRoot, _repositoryName + ".git");
        Directory.CreateDirectory(bare);
        Git.Run(bare, "init", "-q", "--bare", "-b", "main");
        _subscriber = await SubscriberReceiver.StartAsync(SubscriberSecret);
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, "vartrack.yaml");
        await File.WriteAllTextAsync(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{WebhookSecret}}" }
            meta:
              repository: {{CloneUrl}}
              name: {{_repositoryName}}
              refresh: 1h
              subscribers:
                deploy: { url: "{{_subscriber.Url}}", secret: "{{SubscriberSecret}}" }
              delivery: { attempts: 3, backoff: 200ms }
            """);
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        _app = ServerApp.Create(["--urls", url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(_folder, "state");
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

        var settings = new MetaSettings(CloneUrl) { Name = _repositoryName };
        _writerClone = new GitMetaRepository(settings, GitSettings.Default, Path.Combine(_folder, "ci-clone"), new SettingResolver(_ => null));
        _writer = new MetaWriter(_writerClone, new MetaFileCodec(settings, null, new SettingResolver(_ => null)), "ci");
        await _writer.CreateReleaseAsync("shop", Release("1.0.0", 'a'));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0", 'b'));
        await _writer.AddBinaryAsync("shop", "1.0.0", "linux", "amd64", new BinaryRecord("sha256:" + new string('1', 64), 100, "https://dl.example/shop/1.0.0/linux-amd64", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        await _writer.AddBinaryAsync("shop", "1.1.0", "linux", "amd64", new BinaryRecord("sha256:" + new string('2', 64), 101, "https://dl.example/shop/1.1.0/linux-amd64", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        await _writer.AddBinaryAsync("shop", "1.1.0", "darwin", "arm64", new BinaryRecord("sha256:" + new string('3', 64), 102, "https://dl.example/shop/1.1.0/darwin-arm64", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", "launch");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_subscriber is not null) await _subscriber.DisposeAsync();
        _writerClone?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        try { Directory.Delete(Path.Combine(TestServices.GitHttpRoot, _repositoryName + ".git"), recursive: true); } catch (IOException) { }
    }

    private static ReleaseRecord Release(string id, char commit) =>
        new(id, Created, new Dictionary<string, string> { ["acme/api"] = new(commit, 40) }, "ci/1", null);

    private async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task The_read_API_answers_what_a_channel_runs_with_its_binaries_per_platform()
    {
        var (status, body) = await GetAsync("/api/meta/shop/channels/prod");

        Assert.Equal(200, status);
        Assert.Equal(("shop", "prod", "1.0.0"), (body.GetProperty("project").GetString(), body.GetProperty("channel").GetString(), body.GetProperty("release").GetProperty("id").GetString()));
        Assert.Equal(new string('a', 40), body.GetProperty("release").GetProperty("sources").GetProperty("acme/api").GetString());
        Assert.Equal(["linux-amd64"], body.GetProperty("binaries").EnumerateObject().Select(p => p.Name));
        Assert.Equal("https://dl.example/shop/1.0.0/linux-amd64", body.GetProperty("binaries").GetProperty("linux-amd64").GetProperty("url").GetString());
        Assert.Equal(("alice", "launch"), (body.GetProperty("event").GetProperty("actor").GetString(), body.GetProperty("event").GetProperty("reason").GetString()));
        Assert.Equal(Git.Run(Path.Combine(TestServices.GitHttpRoot, _repositoryName + ".git"), "rev-parse", "main"), body.GetProperty("commit").GetString());
    }

    [Fact]
    public async Task Unknown_projects_and_channels_are_404_and_bad_names_400_as_JSON_errors()
    {
        Assert.Equal((404, "unknown_project", "the meta repository has no project 'blog'"), Error(await GetAsync("/api/meta/blog/channels/prod")));
        Assert.Equal((404, "unknown_channel", "project 'shop' has no channel 'beta' (no promotion event yet)"), Error(await GetAsync("/api/meta/shop/channels/beta")));
        var bad = Error(await GetAsync("/api/meta/shop/channels/Prod"));
        Assert.Equal((400, "bad_name"), (bad.Status, bad.Error));
        Assert.StartsWith("channel 'Prod' is invalid", bad.Message);
    }

    [Fact]
    public async Task A_push_webhook_for_the_meta_repository_notifies_the_subscriber_and_refreshes_the_read_API()
    {
        Assert.Equal("1.0.0", (await GetAsync("/api/meta/shop/channels/prod")).Body.GetProperty("release").GetProperty("id").GetString());
        var before = Git.Run(Path.Combine(TestServices.GitHttpRoot, _repositoryName + ".git"), "rev-parse", "main");
        var promoted = await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "bob", "fix");

        var push = new GitHubPush(_repositoryName, CloneUrl, before, promoted.Commit) { Added = [promoted.Change.Files[0].Path] };
        using var response = await _http.SendAsync(push.Request(WebhookSecret));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal(["meta"], answer.GetProperty("push_listeners").EnumerateArray().Select(e => e.GetString()));
        var delivered = await _subscriber!.WaitForAsync(1, TimeSpan.FromSeconds(30));
        Assert.Equal($$"""{"project":"shop","channel":"prod","release_id":"1.1.0","previous_release_id":"1.0.0","commit":"{{promoted.Commit}}"}""", Assert.Single(delivered).Value);
        Assert.All(_subscriber.Requests, r => Assert.True(r.SignatureValid));

        // The read API refreshes within its 1 h refresh interval because the webhook made the server fetch.
        var (_, body) = await GetAsync("/api/meta/shop/channels/prod");
        Assert.Equal(("1.1.0", promoted.Commit), (body.GetProperty("release").GetProperty("id").GetString(), body.GetProperty("commit").GetString()));
        Assert.Equal(["darwin-arm64", "linux-amd64"], body.GetProperty("binaries").EnumerateObject().Select(p => p.Name));

        // The same delivery again is a duplicate and sends nothing more.
        using var again = await _http.SendAsync(push.Request(WebhookSecret));
        Assert.Equal(200, (int)again.StatusCode);
        await Task.Delay(1500);
        Assert.Single(_subscriber.Accepted);
    }

    private static (int Status, string? Error, string? Message) Error((int Status, JsonElement Body) answer) =>
        (answer.Status, answer.Body.GetProperty("error").GetString(), answer.Body.GetProperty("message").GetString());
}

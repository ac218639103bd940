using System.Text;
using VarTrack.Core.Config;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using static VarTrack.Core.Tests.Webhooks.WebhookTestKit;

namespace VarTrack.Core.Tests.Webhooks;

/// <summary>The webhook handler's hook for push listeners (release metadata notifications).</summary>
public sealed class WebhookPushListenerTests
{
    private const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private readonly InMemoryStateStore _state = new();
    private readonly RecordingSyncStarter _starter = new();
    private readonly RecordingPushListener _listener = new("acme/meta");
    private readonly WebhookHandler _handler;

    public WebhookPushListenerTests()
    {
        var config = VarTrackConfigLoader.Parse(DefaultYaml.Replace("acme/**", "acme/app"), "vartrack.yaml", Path.GetTempPath());
        _handler = new WebhookHandler(config, new SettingResolver(_ => null), _state, _starter, new FixedTimeProvider(Now), listeners: [_listener]);
    }

    private static string Push(string repository, string file) => $$"""
        {
          "ref": "refs/heads/main",
          "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          "after": "{{Commit}}",
          "repository": { "full_name": "{{repository}}", "clone_url": "https://github.com/{{repository}}.git" },
          "commits": [ { "id": "{{Commit}}", "added": ["{{file}}"], "removed": [], "modified": [] } ],
          "head_commit": { "id": "{{Commit}}", "added": ["{{file}}"], "removed": [], "modified": [] }
        }
        """;

    private Task<WebhookResponse> SendAsync(string repository, string delivery = "d-1", string? secret = null, string file = "projects/shop/channels/prod/events/x.json")
    {
        var body = Push(repository, file);
        var headers = new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "push",
            ["X-GitHub-Delivery"] = delivery,
            ["X-Hub-Signature-256"] = "sha256=" + HmacHex(body, secret ?? Secret),
        };
        return _handler.HandleAsync(new IncomingWebhook("github", headers, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task A_push_no_rule_tracks_but_a_listener_takes_is_accepted_with_the_listener_named()
    {
        var response = await SendAsync("acme/meta");

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("""{"push_listeners":["meta"]}""", response.ToJson());
        var push = Assert.Single(_listener.Pushes);
        Assert.Equal(new PushNotice("github", "d-1", "acme/meta", "https://github.com/acme/meta.git", "refs/heads/main", Commit) { Before = "6113728f27ae82c7b1a177c8d03f9e96e0adf246" }, push);
        Assert.Empty(_starter.Calls);
    }

    [Fact]
    public async Task A_redelivery_does_not_reach_the_listener_again()
    {
        await SendAsync("acme/meta");
        var again = await SendAsync("acme/meta");

        Assert.Equal(200, again.StatusCode);
        Assert.True(again.Body.Duplicate);
        Assert.Single(_listener.Pushes);
    }

    [Fact]
    public async Task A_bad_signature_never_reaches_the_listener()
    {
        var response = await SendAsync("acme/meta", secret: OtherSecret);

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(_listener.Pushes);
    }

    [Fact]
    public async Task Pushes_of_other_repositories_are_handled_as_before()
    {
        var ignored = await SendAsync("acme/other");
        Assert.Equal(200, ignored.StatusCode);
        Assert.Equal("no rule tracks repository 'acme/other' on github", ignored.Body.Ignored);

        var synced = await SendAsync("acme/app", "d-2", file: "config/app.yaml");
        Assert.Equal(202, synced.StatusCode);
        Assert.Null(synced.Body.PushListeners);
        Assert.Empty(_listener.Pushes);
    }

    [Fact]
    public async Task A_failing_listener_fails_the_delivery_and_forgets_it_so_the_retry_is_handled_afresh()
    {
        _listener.Fail = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => SendAsync("acme/meta"));
        Assert.Empty(await _state.ListAsync("deliveries"));

        _listener.Fail = false;
        Assert.Equal(202, (await SendAsync("acme/meta")).StatusCode);
    }
}

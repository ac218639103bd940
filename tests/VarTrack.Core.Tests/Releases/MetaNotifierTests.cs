using System.Net;
using System.Text;
using VarTrack.Core.Config;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Core.Text;
using VarTrack.Core.Webhooks;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>The notifier over an in-memory repository and state store, with a recording HTTP handler (a real HTTP receiver is in the connectors tests).</summary>
public sealed class MetaNotifierTests : IDisposable
{
    private const string DeploySecret = "deploy-secret-8f2b71";
    private const string AuditSecret = "audit-secret-19ce0a";
    private readonly InMemoryMetaRepository _repository = new();
    private readonly InMemoryStateStore _state = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingHandler _http = new();
    private readonly MetaSettings _settings = new MetaSettings("https://git.example/acme/meta.git")
    {
        Subscribers =
        [
            new MetaSubscriber("deploy", "https://deploy.example/hook", new SettingValue(DeploySecret, default)),
            new MetaSubscriber("audit", "https://audit.example/hook", new SettingValue(AuditSecret, default)) { Projects = [Glob.Parse("blog")] },
        ],
        DeliveryAttempts = 3,
        DeliveryBackoff = TimeSpan.FromSeconds(10),
    };
    private readonly MetaWriter _writer;
    private readonly MetaNotifier _notifier;

    public MetaNotifierTests()
    {
        _writer = new MetaWriter(_repository, new MetaFileCodec(_settings, null, new SettingResolver(_ => null)), "ci-7", _clock);
        _notifier = Notifier();
    }

    public void Dispose() => _notifier.Dispose();

    private MetaNotifier Notifier() => new(_repository, _settings, _state, new SettingResolver(_ => null), _clock, _http);

    private Task<bool> PushedAsync(string commit, MetaNotifier? notifier = null, string repository = "acme/meta", string reference = "refs/heads/main") =>
        (notifier ?? _notifier).OnPushAsync(new PushNotice("github", "d-" + commit[..6], repository, "https://git.example/acme/meta.git", reference, commit));

    private async Task<string> PromoteAsync(string release, string? expected)
    {
        if (!_repository.TipFiles.ContainsKey(MetaPaths.Release("shop", release))) await _writer.CreateReleaseAsync("shop", Release(release));
        _clock.Now = _clock.Now.AddSeconds(1);
        return (await _writer.PromoteAsync("shop", "prod", release, expected, "alice", null)).Commit;
    }

    [Fact]
    public async Task A_moved_channel_is_sent_once_to_each_interested_subscriber_signed_with_its_secret()
    {
        await PromoteAsync("1.0.0", null);
        var commit = await PromoteAsync("1.1.0", "1.0.0");

        Assert.True(await PushedAsync(commit));
        Assert.Equal(1, await _notifier.ProcessAsync());

        var (request, body) = Assert.Single(_http.Requests);
        Assert.Equal((HttpMethod.Post, "https://deploy.example/hook"), (request.Method, request.RequestUri!.ToString()));
        Assert.Equal($$"""{"project":"shop","channel":"prod","release_id":"1.1.0","previous_release_id":"1.0.0","commit":"{{commit}}"}""", Encoding.UTF8.GetString(body));
        Assert.Equal(MetaNotifier.Sign(body, DeploySecret), request.Headers.GetValues("X-VarTrack-Signature").Single());
        Assert.StartsWith("sha256=", MetaNotifier.Sign(body, DeploySecret));
        var eventPath = ChannelResolver.Resolve(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod")!.LastEventPath.Path;
        Assert.Equal(MetaNotifier.DeliveryIdFor("deploy", eventPath), request.Headers.GetValues("X-VarTrack-Delivery").Single());
        Assert.Equal("application/json; charset=utf-8", request.Content!.Headers.ContentType!.ToString());

        Assert.True(await PushedAsync(commit));
        Assert.Equal(0, await _notifier.ProcessAsync());
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task A_pushed_commit_that_cannot_be_found_is_retried_with_backoff_and_dropped_after_the_last_attempt()
    {
        var missing = new string('d', 40);
        Assert.True(await PushedAsync(missing));
        var key = StateKey.Of("meta", "pushes", missing);

        var tries = 0;
        for (var tick = 0; tick < 3600 && (await _state.ListAsync("meta/pushes")).Count > 0; tick++)
        {
            var before = await StateJson.ReadAsync<MetaPendingPush>(_state, key, CancellationToken.None);
            await _notifier.ProcessAsync();
            var after = await StateJson.ReadAsync<MetaPendingPush>(_state, key, CancellationToken.None);
            if (after is null || after.Attempts != before!.Attempts) tries++;
            _clock.Now = _clock.Now.AddSeconds(1);
        }

        Assert.Empty(await _state.ListAsync("meta/pushes"));
        Assert.Equal(MetaNotifier.MaxPushAttempts, tries);
        // A later push still notifies the channels (the heads were never moved by the dropped push).
        var commit = await PromoteAsync("1.0.0", null);
        Assert.True(await PushedAsync(commit));
        Assert.Equal(1, await _notifier.ProcessAsync());
    }

    [Fact]
    public async Task Without_a_record_of_earlier_heads_the_state_before_the_pushed_commit_is_the_baseline()
    {
        await PromoteAsync("1.0.0", null);
        await _writer.PromoteAsync("shop", "beta", "1.0.0", null, "alice", null);
        var commit = await PromoteAsync("1.1.0", "1.0.0");

        await PushedAsync(commit);
        await _notifier.ProcessAsync();

        Assert.Contains("\"channel\":\"prod\"", Encoding.UTF8.GetString(Assert.Single(_http.Requests).Body));
    }

    [Fact]
    public async Task Without_a_record_of_earlier_heads_the_webhook_before_commit_is_the_baseline_so_every_pushed_commit_counts()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        var before = _repository.Tip!;
        // One push of two commits: prod moves in the first, beta in the second (the pushed commit's parent has prod already).
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var commit = (await _writer.PromoteAsync("shop", "beta", "1.0.0", null, "alice", null)).Commit;

        await _notifier.OnPushAsync(new PushNotice("github", "d-1", "acme/meta", "https://git.example/acme/meta.git", "refs/heads/main", commit) { Before = before });
        await _notifier.ProcessAsync();

        Assert.Equal(["beta", "prod"], _http.Requests.Select(r => ChannelOf(r.Body)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_push_that_creates_the_branch_notifies_every_channel_as_new()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var commit = (await _writer.PromoteAsync("shop", "beta", "1.0.0", null, "alice", null)).Commit;

        await _notifier.OnPushAsync(new PushNotice("github", "d-1", "acme/meta", "https://git.example/acme/meta.git", "refs/heads/main", commit) { Before = new string('0', 40) });
        await _notifier.ProcessAsync();

        Assert.Equal(["beta", "prod"], _http.Requests.Select(r => ChannelOf(r.Body)).Order(StringComparer.Ordinal));
    }

    private static string ChannelOf(byte[] body) => System.Text.Json.Nodes.JsonNode.Parse(body)!["channel"]!.GetValue<string>();

    [Fact]
    public async Task A_failing_subscriber_is_retried_with_backoff_keeping_delivery_id_and_body()
    {
        var commit = await PromoteAsync("1.0.0", null);
        _http.Statuses.Enqueue(HttpStatusCode.InternalServerError);
        await PushedAsync(commit);

        Assert.Equal(0, await _notifier.ProcessAsync());
        var entry = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, Assert.Single(await _state.ListAsync("meta/outbox")), CancellationToken.None))!;
        Assert.Equal((1, "HTTP 500 Internal Server Error", _clock.Now.AddSeconds(10)), (entry.Attempts, entry.LastError, entry.NextAttemptAt));

        _clock.Now = _clock.Now.AddSeconds(9);
        Assert.Equal(0, await _notifier.ProcessAsync());
        Assert.Single(_http.Requests);

        _clock.Now = _clock.Now.AddSeconds(1);
        Assert.Equal(1, await _notifier.ProcessAsync());
        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal(_http.Requests[0].Body, _http.Requests[1].Body);
        Assert.Equal(_http.Requests[0].Request.Headers.GetValues("X-VarTrack-Delivery"), _http.Requests[1].Request.Headers.GetValues("X-VarTrack-Delivery"));
        Assert.Empty(await _state.ListAsync("meta/outbox"));
    }

    [Fact]
    public async Task A_reason_phrase_is_stored_without_control_characters_and_cut_to_a_bounded_length()
    {
        var commit = await PromoteAsync("1.0.0", null);
        _http.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        _http.ReasonPhrase = "\u001b[2J\u001b[31mFAKE ok: delivered\u0007 " + new string('x', 400);
        await PushedAsync(commit);

        Assert.Equal(0, await _notifier.ProcessAsync());
        var entry = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, Assert.Single(await _state.ListAsync("meta/outbox")), CancellationToken.None))!;

        Assert.StartsWith("HTTP 503 [2J[31mFAKE ok: delivered xxx", entry.LastError);
        Assert.DoesNotContain(entry.LastError!, char.IsControl);
        Assert.Equal(MetaDeliveryErrorMask.MaxErrorLength, entry.LastError!.Length);
    }

    [Fact]
    public async Task After_the_last_attempt_a_notification_is_kept_as_failed_and_not_sent_again()
    {
        var commit = await PromoteAsync("1.0.0", null);
        for (var i = 0; i < 3; i++) _http.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        await PushedAsync(commit);

        for (var i = 0; i < 5; i++)
        {
            await _notifier.ProcessAsync();
            _clock.Now = _clock.Now.AddMinutes(5);
        }

        Assert.Equal(3, _http.Requests.Count);
        Assert.Empty(await _state.ListAsync("meta/outbox"));
        var failed = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, Assert.Single(await _state.ListAsync("meta/failed")), CancellationToken.None))!;
        Assert.Equal((3, "HTTP 503 Service Unavailable"), (failed.Attempts, failed.LastError));
    }

    [Fact]
    public async Task A_corrupt_queued_document_is_skipped_and_every_other_notification_still_goes_out()
    {
        // Listed before the real entries ('0' sorts first): it used to throw on every pass and stop all deliveries.
        await _state.WriteAsync(MetaOutbox.PendingFolder + "/0-torn", "{\"delivery_id\": \"mdl-torn"u8.ToArray());
        var commit = await PromoteAsync("1.0.0", null);

        Assert.True(await PushedAsync(commit));
        Assert.Equal(1, await _notifier.ProcessAsync());

        Assert.Single(_http.Requests);
        Assert.NotNull(await _state.ReadAsync(MetaOutbox.PendingFolder + "/0-torn")); // left for an operator
    }

    [Fact]
    public async Task Work_recorded_before_a_restart_is_done_by_the_next_notifier()
    {
        var commit = await PromoteAsync("1.0.0", null);
        await PushedAsync(commit);

        using var restarted = Notifier();
        Assert.Equal(1, await restarted.ProcessAsync());
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task An_older_push_delivered_after_a_newer_one_sends_nothing()
    {
        var older = await PromoteAsync("1.0.0", null);
        var newer = await PromoteAsync("1.1.0", "1.0.0");
        await PushedAsync(newer);
        await _notifier.ProcessAsync();

        await PushedAsync(older);
        await _notifier.ProcessAsync();

        Assert.Single(_http.Requests);
        Assert.Empty(await _state.ListAsync("meta/pushes"));
    }

    [Fact]
    public async Task Pushes_of_other_repositories_or_branches_are_not_taken_and_secrets_are_not_stored()
    {
        var commit = await PromoteAsync("1.0.0", null);

        Assert.False(await PushedAsync(commit, repository: "acme/other"));
        Assert.False(await PushedAsync(commit, reference: "refs/heads/feature"));
        Assert.True(await PushedAsync(commit));
        _http.Statuses.Enqueue(HttpStatusCode.BadGateway);
        await _notifier.ProcessAsync();

        foreach (var key in await _state.ListAsync("meta"))
        {
            var text = Encoding.UTF8.GetString((await _state.ReadAsync(key))!);
            Assert.DoesNotContain(DeploySecret, text);
            Assert.DoesNotContain(AuditSecret, text);
        }
    }
}

using System.Net;
using System.Text;
using VarTrack.Connectors.LocalState;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>
/// Listing and replaying notifications over an in-memory state store (and, for several instances replaying at once, a
/// local state folder opened by several stores, whose create-if-absent is a hard link).
/// </summary>
public sealed class MetaOutboxTests
{
    private const string DeploySecret = "deploy-literal-secret-5d1e";
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryStateStore _state = new();
    private readonly ManualClock _clock = new(Start);
    private readonly IReadOnlyList<MetaSubscriber> _subscribers =
    [
        new MetaSubscriber("deploy", "https://deploy.example/hook?token=q-tok-881", new SettingValue(DeploySecret, SourcePosition.None)),
        new MetaSubscriber("audit", "https://audit.example/hook", new SettingValue("${AUDIT_SECRET}", SourcePosition.None) { EnvironmentVariables = ["AUDIT_SECRET"] }),
    ];

    private MetaOutbox Outbox(IStateStore? state = null) => new(state ?? _state, _subscribers, _clock);

    private static string Body(string channel, string release, string? previous) =>
        $$"""{"project":"shop","channel":"{{channel}}","release_id":"{{release}}","previous_release_id":{{(previous is null ? "null" : $"\"{previous}\"")}},"commit":"{{Commit('c')}}"}""";

    private static MetaOutboxEntry Failed(string subscriber, string channel, int minute, string error = "HTTP 503 Service Unavailable") =>
        new(MetaNotifier.DeliveryIdFor(subscriber, $"projects/shop/channels/{channel}/events/{minute}.json"), subscriber, Body(channel, "1.1.0", "1.0.0"), Start.AddMinutes(minute))
        {
            Attempts = 3,
            LastError = error,
            LastAttemptAt = Start.AddMinutes(minute + 5),
            NextAttemptAt = Start.AddMinutes(minute + 6),
        };

    private async Task<MetaOutboxEntry> StoreAsync(MetaOutboxEntry entry, MetaNotificationState state = MetaNotificationState.Failed, IStateStore? store = null)
    {
        var key = state == MetaNotificationState.Failed ? MetaOutbox.FailedKey(entry.DeliveryId) : MetaOutbox.PendingKey(entry.DeliveryId);
        await (store ?? _state).WriteAsync(key, StateJson.Serialize(entry));
        return entry;
    }

    private Task<IReadOnlyList<string>> KeysAsync(string folder) => _state.ListAsync(folder);

    [Fact]
    public async Task The_list_shows_failed_then_pending_notifications_with_what_each_is_about()
    {
        var prod = await StoreAsync(Failed("deploy", "prod", 2));
        var beta = await StoreAsync(Failed("audit", "beta", 1, "cannot connect"));
        var pending = await StoreAsync(new MetaOutboxEntry("mdl-000000000000000000000001", "deploy", Body("dev", "1.2.0", null), Start.AddMinutes(9))
        {
            Attempts = 1, LastError = "HTTP 500 Internal Server Error", LastAttemptAt = Start.AddMinutes(9), NextAttemptAt = Start.AddMinutes(10),
        }, MetaNotificationState.Pending);

        var all = await Outbox().ListAsync(null);

        Assert.Equal([beta.DeliveryId, prod.DeliveryId, pending.DeliveryId], all.Select(n => n.DeliveryId));
        var first = all[0];
        Assert.Equal((MetaNotificationState.Failed, "audit", "shop", "beta", "1.1.0", "1.0.0", 3, "cannot connect"),
            (first.State, first.Subscriber, first.Project, first.Channel, first.ReleaseId, first.PreviousReleaseId, first.Attempts, first.LastError));
        Assert.Equal((Start.AddMinutes(1), Start.AddMinutes(6), (DateTimeOffset?)null), (first.CreatedAt, first.LastAttemptAt, first.NextAttemptAt));
        var last = all[2];
        Assert.Equal((MetaNotificationState.Pending, "dev", "1.2.0", (string?)null, Start.AddMinutes(10)), (last.State, last.Channel, last.ReleaseId, last.PreviousReleaseId, last.NextAttemptAt));

        Assert.Equal([beta.DeliveryId, prod.DeliveryId], (await Outbox().ListAsync(MetaNotificationState.Failed)).Select(n => n.DeliveryId));
        Assert.Equal([pending.DeliveryId], (await Outbox().ListAsync(MetaNotificationState.Pending)).Select(n => n.DeliveryId));
    }

    [Fact]
    public async Task An_error_stored_by_an_older_version_is_listed_without_control_characters()
    {
        await StoreAsync(Failed("audit", "prod", 1, "HTTP 503 \u001b[2J\u001b[31mFAKE ok: delivered\u0007"));

        var error = Assert.Single(await Outbox().ListAsync(null)).LastError!;

        Assert.Equal("HTTP 503 [2J[31mFAKE ok: delivered", error);
    }

    [Fact]
    public async Task Errors_in_the_list_never_show_URL_credentials_a_subscriber_URL_path_or_query_or_a_literal_secret()
    {
        await StoreAsync(Failed("deploy", "prod", 1,
            $"The SSL connection could not be established for https://deploy.example/hook?token=q-tok-881 via https://bob:pa55w0rd@proxy.example:3128/ (key {DeploySecret})"));

        var error = Assert.Single(await Outbox().ListAsync(null)).LastError!;

        Assert.Equal("The SSL connection could not be established for https://deploy.example/*** via https://***@proxy.example:3128/ (key ***)", error);
        Assert.DoesNotContain("q-tok-881", error);
        Assert.DoesNotContain("pa55w0rd", error);
        Assert.DoesNotContain(DeploySecret, error);
    }

    [Fact]
    public async Task Replaying_one_moves_it_into_the_outbox_with_attempts_reset_and_the_same_id_and_body()
    {
        var failed = await StoreAsync(Failed("deploy", "prod", 1));
        await StoreAsync(Failed("audit", "prod", 1));
        _clock.Now = Start.AddHours(2);

        var result = Assert.Single(await Outbox().ReplayAsync(new MetaReplayRequest(failed.DeliveryId)));

        Assert.Equal(new MetaReplayResult(failed.DeliveryId, MetaReplayOutcome.Replayed) { Subscriber = "deploy" }, result);
        Assert.Null(await _state.ReadAsync(MetaOutbox.FailedKey(failed.DeliveryId)));
        var queued = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, MetaOutbox.PendingKey(failed.DeliveryId), CancellationToken.None))!;
        Assert.Equal((failed.DeliveryId, "deploy", failed.Body, failed.CreatedAt), (queued.DeliveryId, queued.Subscriber, queued.Body, queued.CreatedAt));
        Assert.Equal((0, (string?)null, (DateTimeOffset?)null, _clock.Now, (DateTimeOffset?)_clock.Now), (queued.Attempts, queued.LastError, queued.LastAttemptAt, queued.NextAttemptAt, queued.ReplayedAt));
        Assert.Single(await KeysAsync(MetaOutbox.FailedFolder));
    }

    [Fact]
    public async Task Replaying_all_moves_every_failed_notification_and_a_subscriber_limits_it_to_that_subscribers()
    {
        var deployProd = await StoreAsync(Failed("deploy", "prod", 1));
        var deployBeta = await StoreAsync(Failed("deploy", "beta", 2));
        var auditProd = await StoreAsync(Failed("audit", "prod", 1));

        var deployOnly = await Outbox().ReplayAsync(new MetaReplayRequest(All: true, Subscriber: "deploy"));

        Assert.Equal(new[] { deployBeta.DeliveryId, deployProd.DeliveryId }.Order(StringComparer.Ordinal), deployOnly.Select(r => r.DeliveryId).Order(StringComparer.Ordinal));
        Assert.All(deployOnly, r => Assert.Equal((MetaReplayOutcome.Replayed, "deploy"), (r.Outcome, r.Subscriber)));
        Assert.Equal([MetaOutbox.FailedKey(auditProd.DeliveryId)], await KeysAsync(MetaOutbox.FailedFolder));

        var rest = await Outbox().ReplayAsync(new MetaReplayRequest(All: true));

        Assert.Equal(new MetaReplayResult(auditProd.DeliveryId, MetaReplayOutcome.Replayed) { Subscriber = "audit" }, Assert.Single(rest));
        Assert.Empty(await KeysAsync(MetaOutbox.FailedFolder));
        Assert.Equal(3, (await KeysAsync(MetaOutbox.PendingFolder)).Count);
        Assert.Empty(await Outbox().ReplayAsync(new MetaReplayRequest(All: true)));
    }

    [Fact]
    public async Task An_unknown_delivery_id_is_not_found_and_nothing_changes()
    {
        await StoreAsync(Failed("deploy", "prod", 1));

        var result = Assert.Single(await Outbox().ReplayAsync(new MetaReplayRequest("mdl-0123456789abcdef01234567")));

        Assert.Equal(new MetaReplayResult("mdl-0123456789abcdef01234567", MetaReplayOutcome.NotFound), result);
        Assert.Single(await KeysAsync(MetaOutbox.FailedFolder));
        Assert.Empty(await KeysAsync(MetaOutbox.PendingFolder));
        // Not a key injection: any text is one escaped segment under meta/failed.
        Assert.Equal(MetaReplayOutcome.NotFound, (await Outbox().ReplayAsync("../outbox/x")).Outcome);
    }

    [Fact]
    public async Task A_notification_already_in_the_outbox_is_not_replayed_over_it_and_its_failed_record_stays()
    {
        var failed = await StoreAsync(Failed("deploy", "prod", 1));
        var pending = await StoreAsync(failed with { Attempts = 1, LastError = "HTTP 502 Bad Gateway" }, MetaNotificationState.Pending);

        var result = await Outbox().ReplayAsync(failed.DeliveryId);

        Assert.Equal(MetaReplayOutcome.AlreadyQueued, result.Outcome);
        Assert.Equal(StateJson.Serialize(pending), await _state.ReadAsync(MetaOutbox.PendingKey(failed.DeliveryId)));
        Assert.NotNull(await _state.ReadAsync(MetaOutbox.FailedKey(failed.DeliveryId)));
    }

    [Theory]
    [InlineData(null, false, null, "give a delivery id, or 'all' (optionally with 'subscriber')")]
    [InlineData("mdl-1", true, null, "give a delivery id or 'all', not both")]
    [InlineData("mdl-1", false, "deploy", "'subscriber' selects among all failed notifications; it cannot be combined with a delivery id")]
    [InlineData(null, true, "", "'subscriber' is empty")]
    [InlineData(null, false, "deploy", "give a delivery id, or 'all' (optionally with 'subscriber')")]
    public async Task Requests_that_select_nothing_clearly_are_refused(string? id, bool all, string? subscriber, string problem)
    {
        var request = new MetaReplayRequest(id, all, subscriber);

        Assert.Equal(problem, request.Problem());
        await Assert.ThrowsAsync<ArgumentException>(() => Outbox().ReplayAsync(request));
    }

    [Fact]
    public async Task Of_several_instances_replaying_the_same_id_at_once_exactly_one_moves_it()
    {
        var folder = Directory.CreateTempSubdirectory("vt-meta-outbox-").FullName;
        try
        {
            // A fixed amount of work: 25 rounds of 4 instances (each its own store over one folder), started together.
            for (var round = 0; round < 25; round++)
            {
                var failed = await StoreAsync(Failed("deploy", "prod", round), store: new LocalFolderStateStore(folder));
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var replays = Enumerable.Range(0, 4).Select(_ =>
                {
                    var outbox = Outbox(new LocalFolderStateStore(folder));
                    return Task.Run(async () =>
                    {
                        await start.Task;
                        return await outbox.ReplayAsync(failed.DeliveryId);
                    });
                }).ToList();
                start.SetResult();
                var outcomes = (await Task.WhenAll(replays)).Select(r => r.Outcome).ToList();

                Assert.Equal(1, outcomes.Count(o => o == MetaReplayOutcome.Replayed));
                Assert.All(outcomes.Where(o => o != MetaReplayOutcome.Replayed), o => Assert.Contains(o, new[] { MetaReplayOutcome.AlreadyQueued, MetaReplayOutcome.NotFound }));
                var store = new LocalFolderStateStore(folder);
                Assert.Null(await store.ReadAsync(MetaOutbox.FailedKey(failed.DeliveryId)));
                var queued = (await StateJson.ReadAsync<MetaOutboxEntry>(store, MetaOutbox.PendingKey(failed.DeliveryId), CancellationToken.None))!;
                Assert.Equal((0, failed.Body), (queued.Attempts, queued.Body));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_notifier_sends_a_replayed_notification_with_the_same_delivery_id_body_and_signature()
    {
        var repository = new InMemoryMetaRepository();
        var http = new RecordingHandler();
        var settings = new MetaSettings("https://git.example/acme/meta.git") { Subscribers = [_subscribers[0]], DeliveryAttempts = 2, DeliveryBackoff = TimeSpan.FromSeconds(1) };
        var writer = new MetaWriter(repository, new MetaFileCodec(settings, null, new SettingResolver(_ => null)), "ci-7", _clock);
        await writer.CreateReleaseAsync("shop", Release("1.0.0"));
        var commit = (await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null)).Commit;
        using var notifier = new MetaNotifier(repository, settings, _state, new SettingResolver(_ => null), _clock, http);
        http.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        http.Statuses.Enqueue(HttpStatusCode.ServiceUnavailable);
        await notifier.OnPushAsync(new PushNotice("github", "d-1", "acme/meta", settings.Repository, "refs/heads/main", commit));
        for (var i = 0; i < 3; i++)
        {
            await notifier.ProcessAsync();
            _clock.Now = _clock.Now.AddMinutes(1);
        }
        var failed = Assert.Single(await Outbox().ListAsync(MetaNotificationState.Failed));
        Assert.Equal((2, "HTTP 503 Service Unavailable"), (failed.Attempts, failed.LastError));
        Assert.Equal(2, http.Requests.Count);

        Assert.Equal(MetaReplayOutcome.Replayed, (await Outbox().ReplayAsync(failed.DeliveryId)).Outcome);
        Assert.Equal(1, await notifier.ProcessAsync());

        Assert.Equal(3, http.Requests.Count);
        var (first, last) = (http.Requests[0], http.Requests[2]);
        Assert.Equal(first.Body, last.Body);
        Assert.Equal(failed.DeliveryId, last.Request.Headers.GetValues(MetaNotifier.DeliveryHeader).Single());
        Assert.Equal(MetaNotifier.Sign(last.Body, DeploySecret), last.Request.Headers.GetValues(MetaNotifier.SignatureHeader).Single());
        Assert.Equal(first.Request.Headers.GetValues(MetaNotifier.SignatureHeader), last.Request.Headers.GetValues(MetaNotifier.SignatureHeader));
        Assert.Empty(await KeysAsync(MetaOutbox.FailedFolder));
        Assert.Empty(await KeysAsync(MetaOutbox.PendingFolder));
        Assert.Contains("\"channel\":\"prod\"", Encoding.UTF8.GetString(last.Body));
    }
}

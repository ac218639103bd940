using System.Text.Json;
using VarTrack.Cli;
using VarTrack.Connectors.LocalState;
using VarTrack.Core.Releases;
using VarTrack.Core.State;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt meta notifications list|replay</c> run in-process over a server's state folder (<c>.vartrack/state</c> of the
/// project, the default <c>--state</c>): the lines shown, masking, exit codes, and what a replay leaves in the store.
/// </summary>
public sealed class VtMetaNotificationsTests : IDisposable
{
    private const string DeploySecret = "deploy-literal-7c2a";
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 15, 0, TimeSpan.Zero);
    private static readonly string ProdId = MetaNotifier.DeliveryIdFor("deploy", "projects/shop/channels/prod/events/1.json");
    private static readonly string BetaId = MetaNotifier.DeliveryIdFor("audit", "projects/shop/channels/beta/events/1.json");
    private static readonly string DevId = MetaNotifier.DeliveryIdFor("deploy", "projects/shop/channels/dev/events/1.json");
    private readonly VtProject _project = new();
    private readonly LocalFolderStateStore _state;

    public VtMetaNotificationsTests()
    {
        _project.Write("vartrack.yaml", $$"""
            meta:
              repository: meta.git
              project: shop
              subscribers:
                deploy: { url: "https://deploy.example/hook?token=q-tok-55", secret: "{{DeploySecret}}" }
                audit: { url: "https://audit.example/hook", secret: "${AUDIT_SECRET}" }
            """);
        _state = new LocalFolderStateStore(Path.Combine(_project.Directory, ".vartrack", "state"));
    }

    public void Dispose() => _project.Dispose();

    private Task<(int Code, string Out, string Err)> Vt(params string[] args) => _project.RunAsync(["meta", "notifications", .. args]);

    private static string Body(string channel, string release, string? previous) =>
        $$"""{"project":"shop","channel":"{{channel}}","release_id":"{{release}}","previous_release_id":{{(previous is null ? "null" : $"\"{previous}\"")}},"commit":"{{new string('c', 40)}}"}""";

    private async Task SeedAsync()
    {
        await _state.WriteAsync(MetaOutbox.FailedKey(ProdId), StateJson.Serialize(new MetaOutboxEntry(ProdId, "deploy", Body("prod", "1.4.0", "1.3.2"), Created)
        {
            Attempts = 8, LastError = $"The SSL connection could not be established (https://ops:pw-991@proxy.example/ via https://deploy.example/hook?token=q-tok-55, {DeploySecret})",
            LastAttemptAt = Created.AddMinutes(40), NextAttemptAt = Created.AddMinutes(50),
        }));
        await _state.WriteAsync(MetaOutbox.FailedKey(BetaId), StateJson.Serialize(new MetaOutboxEntry(BetaId, "audit", Body("beta", "1.5.0", null), Created.AddMinutes(1))
        {
            Attempts = 8, LastError = "cannot connect", LastAttemptAt = Created.AddMinutes(41), NextAttemptAt = Created.AddMinutes(51),
        }));
        await _state.WriteAsync(MetaOutbox.PendingKey(DevId), StateJson.Serialize(new MetaOutboxEntry(DevId, "deploy", Body("dev", "1.6.0", "1.5.0"), Created.AddMinutes(2))
        {
            Attempts = 1, LastError = "HTTP 502 Bad Gateway", LastAttemptAt = Created.AddMinutes(2), NextAttemptAt = Created.AddMinutes(3),
        }));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("replay", "--all")]
    public async Task A_state_folder_that_does_not_exist_is_a_usage_error_not_empty_state(params string[] args)
    {
        var (code, output, error) = await Vt([.. args, "--state", "no-such-dir"]);

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Contains("state folder 'no-such-dir' does not exist", error);
        Assert.False(Directory.Exists(Path.Combine(_project.Directory, "no-such-dir")));
    }

    [Fact]
    public async Task The_list_shows_one_masked_line_per_notification_failed_first()
    {
        await SeedAsync();

        var (code, output, error) = await Vt("list");

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(
        [
            $"failed   {ProdId}  deploy  shop/prod 1.4.0 (from 1.3.2)  8 attempts, last 2026-11-24T10:55:00Z: The SSL connection could not be established (https://***@proxy.example/ via https://deploy.example/***, ***)",
            $"failed   {BetaId}  audit  shop/beta 1.5.0  8 attempts, last 2026-11-24T10:56:00Z: cannot connect",
            $"pending  {DevId}  deploy  shop/dev 1.6.0 (from 1.5.0)  1 attempt, next 2026-11-24T10:18:00Z: HTTP 502 Bad Gateway",
        ], Lines(output));
        Assert.DoesNotContain(DeploySecret, output);
        Assert.DoesNotContain("pw-991", output);
        Assert.DoesNotContain("q-tok-55", output);

        Assert.Equal([ProdId, BetaId], Lines((await Vt("list", "--failed")).Out).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        Assert.Equal([DevId], Lines((await Vt("list", "--pending")).Out).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public async Task The_JSON_list_is_the_servers_answer_shape_and_an_empty_list_says_so()
    {
        Assert.Equal((0, "no failed notifications\n"), Normalized(await Vt("list", "--failed")));

        await SeedAsync();
        var (code, output, _) = await Vt("list", "--failed", "-o", "json");

        Assert.Equal(0, code);
        var list = JsonSerializer.Deserialize<MetaNotificationList>(output, StateJson.Options)!;
        Assert.Equal([ProdId, BetaId], list.Notifications.Select(n => n.DeliveryId));
        var prod = list.Notifications[0];
        Assert.Equal((MetaNotificationState.Failed, "deploy", "shop", "prod", "1.4.0", "1.3.2", 8), (prod.State, prod.Subscriber, prod.Project, prod.Channel, prod.ReleaseId, prod.PreviousReleaseId, prod.Attempts));
        Assert.Contains("\"state\":\"failed\"", output);
        Assert.DoesNotContain(DeploySecret, output);
    }

    [Fact]
    public async Task Replaying_an_id_moves_it_to_the_outbox_and_replaying_it_again_exits_1_naming_it()
    {
        await SeedAsync();
        var stored = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, MetaOutbox.FailedKey(ProdId), CancellationToken.None))!;

        var replayed = await Vt("replay", ProdId);

        Assert.Equal((0, ""), (replayed.Code, replayed.Err));
        Assert.Equal([$"replayed {ProdId} (subscriber deploy): back in the outbox with attempts reset; the notifier sends it at its next run"], Lines(replayed.Out));
        Assert.Null(await _state.ReadAsync(MetaOutbox.FailedKey(ProdId)));
        var queued = (await StateJson.ReadAsync<MetaOutboxEntry>(_state, MetaOutbox.PendingKey(ProdId), CancellationToken.None))!;
        Assert.Equal((ProdId, stored.Body, 0, (string?)null), (queued.DeliveryId, queued.Body, queued.Attempts, queued.LastError));
        Assert.NotNull(queued.ReplayedAt);

        var again = await Vt("replay", ProdId);
        Assert.Equal((1, ""), (again.Code, again.Out));
        Assert.Equal($"error: no failed notification with delivery id '{ProdId}' (vt meta notifications list --failed shows them)\n", again.Err.Replace("\r\n", "\n"));
        var unknown = await Vt("replay", "mdl-nope");
        Assert.Equal(1, unknown.Code);
        Assert.StartsWith("error: no failed notification with delivery id 'mdl-nope'", unknown.Err);
    }

    [Fact]
    public async Task A_corrupt_failed_record_is_skipped_and_named_by_list_and_replay_all_and_replaying_it_names_its_key()
    {
        await SeedAsync();
        await _state.WriteAsync(MetaOutbox.FailedKey("mdl-bad"), "{not json"u8.ToArray());

        var list = await Vt("list", "--failed");
        Assert.Equal(0, list.Code);
        Assert.Equal(2, Lines(list.Out).Length);
        Assert.Equal("warning: meta/failed/mdl-bad is unreadable, skipped\n", list.Err.Replace("\r\n", "\n"));

        var named = await Vt("replay", "mdl-bad");
        Assert.Equal((1, ""), (named.Code, named.Out));
        Assert.StartsWith("error: meta/failed/mdl-bad is unreadable (not a notification record); nothing replayed", named.Err);
        Assert.DoesNotContain("InvalidDataException", named.Err);
        Assert.DoesNotContain("internal error", named.Err);

        var all = await Vt("replay", "--all");
        Assert.Equal(0, all.Code);
        Assert.Equal(2, Lines(all.Out).Count(l => l.StartsWith("replayed ", StringComparison.Ordinal)));
        Assert.Equal("warning: meta/failed/mdl-bad is unreadable, skipped\n", all.Err.Replace("\r\n", "\n"));
        Assert.Equal([MetaOutbox.FailedKey("mdl-bad")], await _state.ListAsync(MetaOutbox.FailedFolder));
    }

    [Fact]
    public async Task Replaying_all_of_one_subscriber_leaves_the_others_failed()
    {
        await SeedAsync();

        var (code, output, _) = await Vt("replay", "--all", "--subscriber", "audit");

        Assert.Equal(0, code);
        Assert.StartsWith($"replayed {BetaId} (subscriber audit)", Assert.Single(Lines(output)));
        Assert.Equal([MetaOutbox.FailedKey(ProdId)], await _state.ListAsync(MetaOutbox.FailedFolder));
        Assert.Equal((0, "no failed notifications of subscriber audit to replay\n"), Normalized(await Vt("replay", "--all", "--subscriber", "audit")));

        var json = await Vt("replay", "--all", "-o", "json");
        Assert.Equal(0, json.Code);
        var answer = JsonSerializer.Deserialize<MetaReplayAnswer>(json.Out, StateJson.Options)!;
        Assert.Equal(new MetaReplayResult(ProdId, MetaReplayOutcome.Replayed) { Subscriber = "deploy" }, Assert.Single(answer.Results));
        Assert.Empty(await _state.ListAsync(MetaOutbox.FailedFolder));
    }

    [Theory]
    [InlineData(new string[0], "error: give the delivery id of a failed notification, or --all (see vt meta notifications list --failed)")]
    [InlineData(new[] { "mdl-1", "--all" }, "error: give a delivery id or --all, not both")]
    [InlineData(new[] { "mdl-1", "--subscriber", "deploy" }, "error: --subscriber works with --all (every failed notification of that subscriber), not with a delivery id")]
    public async Task A_replay_that_selects_nothing_clearly_is_a_usage_error(string[] args, string message)
    {
        await SeedAsync();

        var (code, output, error) = await Vt(["replay", .. args]);

        Assert.Equal((2, "", message), (code, output, error.TrimEnd()));
        Assert.Equal(2, (await _state.ListAsync(MetaOutbox.FailedFolder)).Count);
    }

    private static string[] Lines(string text) => text.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static (int, string) Normalized((int Code, string Out, string Err) run) => (run.Code, run.Out.Replace("\r\n", "\n"));
}

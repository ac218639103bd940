using System.Text.Json;
using VarTrack.Connectors.LocalState;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;
using VarTrack.Core.Webhooks;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// Notifications end to end below the HTTP host: promotions pushed to the Git HTTP server, the push handed to the
/// notifier, signed POSTs to real Kestrel receivers that check the HMAC, retries against a failing receiver, and the
/// outbox in a local state folder surviving a new notifier (a restart).
/// </summary>
public sealed class MetaNotificationTests : IAsyncDisposable
{
    private const string DeploySecret = "deploy-hook-secret-31a9";
    private const string AuditSecret = "audit-hook-secret-7c0e";
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly MetaRemote _remote = new();
    private readonly string _state = Directory.CreateTempSubdirectory("vt-meta-state-").FullName;

    public async ValueTask DisposeAsync()
    {
        _remote.Dispose();
        Directory.Delete(_state, recursive: true);
        await Task.CompletedTask;
    }

    private MetaSettings Settings(params (string Name, SubscriberReceiver Receiver, string Secret)[] subscribers) => _remote.Settings() with
    {
        Name = $"meta/{_remote.Name[..^4]}",
        Subscribers = [.. subscribers.Select(s => new MetaSubscriber(s.Name, s.Receiver.Url, new SettingValue(s.Secret, SourcePosition.None)))],
        DeliveryBackoff = TimeSpan.FromMilliseconds(100),
        DeliveryAttempts = 5,
    };

    private MetaNotifier Notifier(MetaSettings settings) =>
        new(_remote.Repository("notifier-" + Guid.NewGuid().ToString("N")[..4], settings), settings, new LocalFolderStateStore(_state), new SettingResolver(_ => null), TimeProvider.System);

    private static PushNotice Push(MetaSettings settings, string commit) => new("github", "delivery-" + commit[..8], settings.Name, settings.Repository, "refs/heads/main", commit);

    private static async Task DrainAsync(MetaNotifier notifier, Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await notifier.ProcessAsync();
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Each_subscriber_receives_the_move_signed_with_its_own_secret_and_a_failing_one_gets_it_after_retries()
    {
        await using var deploy = await SubscriberReceiver.StartAsync(DeploySecret);
        await using var audit = await SubscriberReceiver.StartAsync(AuditSecret, failFirst: 2);
        var settings = Settings(("deploy", deploy, DeploySecret), ("audit", audit, AuditSecret));
        var writer = _remote.Writer("ci", settings: settings);
        await writer.CreateReleaseAsync("shop", new ReleaseRecord("1.0.0", Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, null, null));
        await writer.CreateReleaseAsync("shop", new ReleaseRecord("1.1.0", Created, new Dictionary<string, string> { ["acme/api"] = new('b', 40) }, null, null));
        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var promoted = await writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "alice", null);
        using var notifier = Notifier(settings);

        Assert.True(await notifier.OnPushAsync(Push(settings, promoted.Commit)));
        await DrainAsync(notifier, () => deploy.Accepted.Count == 1 && audit.Accepted.Count == 1);

        var expected = $$"""{"project":"shop","channel":"prod","release_id":"1.1.0","previous_release_id":"1.0.0","commit":"{{promoted.Commit}}"}""";
        Assert.Equal(expected, Assert.Single(deploy.Accepted).Value);
        Assert.Equal(expected, Assert.Single(audit.Accepted).Value);
        Assert.All(deploy.Requests.Concat(audit.Requests), r => Assert.True(r.SignatureValid));
        Assert.Equal([500, 500, 204], audit.Requests.Select(r => r.Status));
        Assert.Single(audit.Requests.Select(r => r.Delivery).Distinct());
        Assert.NotEqual(deploy.Accepted.Keys.Single(), audit.Accepted.Keys.Single());
        var doc = JsonDocument.Parse(expected).RootElement;
        Assert.Equal("1.1.0", doc.GetProperty("release_id").GetString());
    }

    [Fact]
    public async Task A_receiver_with_another_secret_refuses_the_signature_and_the_notification_ends_up_failed()
    {
        await using var receiver = await SubscriberReceiver.StartAsync("the-receivers-own-secret");
        var settings = Settings(("deploy", receiver, DeploySecret)) with { DeliveryAttempts = 2 };
        var writer = _remote.Writer("ci", settings: settings);
        await writer.CreateReleaseAsync("shop", new ReleaseRecord("1.0.0", Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, null, null));
        var promoted = await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        using var notifier = Notifier(settings);
        var state = new LocalFolderStateStore(_state);

        await notifier.OnPushAsync(Push(settings, promoted.Commit));
        await DrainAsync(notifier, () => receiver.Requests.Count >= 2 && state.ListAsync("meta/failed").Result.Count == 1);

        Assert.Equal([401, 401], receiver.Requests.Select(r => r.Status));
        Assert.Empty(receiver.Accepted);
        Assert.Single(await state.ListAsync("meta/failed"));
    }

    [Fact]
    public async Task A_notification_queued_before_a_restart_is_delivered_by_the_next_notifier()
    {
        await using var receiver = await SubscriberReceiver.StartAsync(DeploySecret, failFirst: 1);
        var settings = Settings(("deploy", receiver, DeploySecret)) with { DeliveryBackoff = TimeSpan.FromMilliseconds(10) };
        var writer = _remote.Writer("ci", settings: settings);
        await writer.CreateReleaseAsync("shop", new ReleaseRecord("1.0.0", Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, null, null));
        var promoted = await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);

        using (var first = Notifier(settings))
        {
            await first.OnPushAsync(Push(settings, promoted.Commit));
            await first.ProcessAsync(); // The one attempt fails; the notification stays in the outbox.
        }
        Assert.Empty(receiver.Accepted);

        using var second = Notifier(settings);
        await DrainAsync(second, () => receiver.Accepted.Count == 1);

        Assert.Single(receiver.Accepted);
        Assert.Equal(2, receiver.Requests.Count);
    }
}

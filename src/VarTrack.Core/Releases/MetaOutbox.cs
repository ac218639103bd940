using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.State;

namespace VarTrack.Core.Releases;

/// <summary>
/// The notification outbox in the state store, for people: lists pending (<c>meta/outbox/</c>) and failed
/// (<c>meta/failed/</c>) notifications and replays failed ones. A replay puts the stored entry back into the outbox
/// with its attempts reset, so the notifier sends it the normal way: the same delivery id and the same body bytes (so
/// the same signature), which lets receivers dedupe. <see cref="MetaNotifier"/> uses the same keys.
/// </summary>
public sealed class MetaOutbox
{
    public const string PendingFolder = "meta/outbox";
    public const string FailedFolder = "meta/failed";

    private readonly IStateStore _state;
    private readonly IReadOnlyList<MetaSubscriber> _subscribers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="subscribers">The configured subscribers, only to mask their URLs and literal secrets in errors.</param>
    public MetaOutbox(IStateStore state, IReadOnlyList<MetaSubscriber> subscribers, TimeProvider time, ILogger<MetaOutbox>? logger = null)
    {
        _state = state;
        _subscribers = subscribers;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public static string PendingKey(string deliveryId) => StateKey.Of("meta", "outbox", deliveryId);

    public static string FailedKey(string deliveryId) => StateKey.Of("meta", "failed", deliveryId);

    /// <summary>Pending and/or failed notifications (null: both), failed first, each ordered by creation.</summary>
    public async Task<IReadOnlyList<MetaNotificationView>> ListAsync(MetaNotificationState? state, CancellationToken cancellationToken = default) =>
        (await ReadListAsync(state, cancellationToken)).Notifications;

    /// <summary>As <see cref="ListAsync"/>, plus the keys of records that cannot be read (skipped, so one corrupt record hides no other).</summary>
    public async Task<MetaNotificationList> ReadListAsync(MetaNotificationState? state, CancellationToken cancellationToken = default)
    {
        var views = new List<MetaNotificationView>();
        var unreadable = new List<string>();
        foreach (var (folder, kind) in new[] { (FailedFolder, MetaNotificationState.Failed), (PendingFolder, MetaNotificationState.Pending) })
        {
            if (state is { } wanted && wanted != kind) continue;
            var entries = new List<MetaOutboxEntry>();
            foreach (var key in await _state.ListAsync(folder, cancellationToken))
                // Gone between list and read: delivered or replayed meanwhile, so no longer in this folder.
                if (await TryReadAsync(key, unreadable, cancellationToken) is { } entry) entries.Add(entry);
            views.AddRange(entries.OrderBy(e => e.CreatedAt).ThenBy(e => e.DeliveryId, StringComparer.Ordinal).Select(e => View(e, kind)));
        }
        return new MetaNotificationList(views) { Unreadable = unreadable };
    }

    /// <summary>Replays what the request selects; a request naming one delivery id yields exactly one result.</summary>
    public async Task<IReadOnlyList<MetaReplayResult>> ReplayAsync(MetaReplayRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Problem() is { } problem) throw new ArgumentException(problem, nameof(request));
        if (!request.All) return [await ReplayAsync(request.DeliveryId!, cancellationToken)];
        var results = new List<MetaReplayResult>();
        foreach (var key in await _state.ListAsync(FailedFolder, cancellationToken))
        {
            var unreadable = new List<string>();
            var entry = await TryReadAsync(key, unreadable, cancellationToken);
            // A corrupt record is reported (by key) and skipped: the others are still replayed.
            if (unreadable.Count > 0) results.Add(new MetaReplayResult(key[(FailedFolder.Length + 1)..], MetaReplayOutcome.Unreadable));
            if (entry is null || (request.Subscriber is { } wanted && entry.Subscriber != wanted)) continue;
            var result = await ReplayAsync(entry.DeliveryId, cancellationToken);
            // Replayed by another instance between the listing and now: not this call's to report.
            if (result.Outcome != MetaReplayOutcome.NotFound) results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Moves one failed notification back into the outbox. Safe with several instances: the outbox entry is created
    /// only if absent (atomically across instances), and only the instance that created it removes the failed record,
    /// so of several concurrent replays of one id exactly one reports <see cref="MetaReplayOutcome.Replayed"/>. Created
    /// first, removed second: a crash in between leaves the notification in both places (sent once more, receivers
    /// dedupe), never in neither. One interleaving still sends twice: a slower replay that read the failed record
    /// before the winner removed it, and creates its entry after the notifier already delivered and removed the
    /// winner's; delivery stays at least once with one delivery id, as everywhere in the notifier.
    /// </summary>
    public async Task<MetaReplayResult> ReplayAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        var failedKey = FailedKey(deliveryId);
        var stored = await _state.ReadAsync(failedKey, cancellationToken);
        if (stored is null) return new MetaReplayResult(deliveryId, MetaReplayOutcome.NotFound);
        if (Parse(stored) is not { } entry) return new MetaReplayResult(deliveryId, MetaReplayOutcome.Unreadable);
        var now = _time.GetUtcNow();
        var queued = entry with { Attempts = 0, LastError = null, LastAttemptAt = null, NextAttemptAt = now, ReplayedAt = now };
        if (!await _state.TryCreateAsync(PendingKey(entry.DeliveryId), StateJson.Serialize(queued), cancellationToken))
            return new MetaReplayResult(entry.DeliveryId, MetaReplayOutcome.AlreadyQueued) { Subscriber = entry.Subscriber };
        // Removed only if still the record that was replayed: a notifier that already sent it again and failed wrote a new one.
        if (await _state.ReadAsync(failedKey, cancellationToken) is { } current && current.AsSpan().SequenceEqual(stored))
            await _state.DeleteAsync(failedKey, cancellationToken);
        _logger.LogInformation("meta notification {Delivery} to subscriber {Subscriber} replayed: back in the outbox after {Attempts} failed attempts",
            entry.DeliveryId, entry.Subscriber, entry.Attempts);
        return new MetaReplayResult(entry.DeliveryId, MetaReplayOutcome.Replayed) { Subscriber = entry.Subscriber };
    }

    /// <summary>The stored entry; null when it is not an outbox entry (corrupt JSON, a hand edit).</summary>
    private static MetaOutboxEntry? Parse(byte[] stored)
    {
        try
        {
            return StateJson.Deserialize<MetaOutboxEntry>(stored, "");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The entry at <paramref name="key"/> (null when gone); a corrupt one adds its key to <paramref name="unreadable"/> and is logged.</summary>
    private async Task<MetaOutboxEntry?> TryReadAsync(string key, List<string> unreadable, CancellationToken cancellationToken)
    {
        if (await _state.ReadAsync(key, cancellationToken) is not { } stored) return null;
        if (Parse(stored) is { } entry) return entry;
        _logger.LogWarning("{Key} is unreadable (not a notification record), skipped", key);
        unreadable.Add(key);
        return null;
    }

    private MetaNotificationView View(MetaOutboxEntry entry, MetaNotificationState state)
    {
        var body = Body(entry.Body);
        return new MetaNotificationView(entry.DeliveryId, state, entry.Subscriber, entry.Attempts, entry.CreatedAt)
        {
            Project = Text(body, "project"),
            Channel = Text(body, "channel"),
            ReleaseId = Text(body, "release_id"),
            PreviousReleaseId = Text(body, "previous_release_id"),
            LastError = entry.LastError is { } error ? MetaDeliveryErrorMask.Printable(MetaDeliveryErrorMask.Apply(error, _subscribers)) : null,
            LastAttemptAt = entry.LastAttemptAt,
            NextAttemptAt = state == MetaNotificationState.Pending ? entry.NextAttemptAt : null,
            ReplayedAt = entry.ReplayedAt,
        };
    }

    /// <summary>The body as the notifier wrote it; anything else shows as a notification about nothing known.</summary>
    private static JsonObject? Body(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? body, string name) =>
        body?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

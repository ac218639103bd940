using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.State;
using VarTrack.Core.Webhooks;

namespace VarTrack.Core.Releases;

/// <summary>
/// Tells subscribers when a channel moves. A verified push to the meta branch (<see cref="OnPushAsync"/>, called by the
/// webhook handler) is recorded as pending; <see cref="ProcessAsync"/> (the host's background loop) reads the pushed
/// commit, compares every channel's head with the heads last notified (<c>meta/heads</c>), and puts one notification
/// per moved channel and subscriber in a persisted outbox, then delivers what is due: a POST of
/// <c>{project, channel, release_id, previous_release_id, commit}</c> signed with the subscriber's secret
/// (<c>X-VarTrack-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>) and an <c>X-VarTrack-Delivery</c> id that
/// stays the same across retries. Failures are retried with doubling backoff up to <c>meta.delivery.attempts</c>,
/// then kept under <c>meta/failed/</c> until replayed (<see cref="MetaOutbox"/>).
/// Delivery ids derive from subscriber and event, so reprocessing a push after a crash queues nothing twice.
/// </summary>
public sealed class MetaNotifier : IPushListener, IDisposable
{
    public const string SignatureHeader = "X-VarTrack-Signature";
    public const string DeliveryHeader = "X-VarTrack-Delivery";
    public const string EventHeader = "X-VarTrack-Event";

    private const string PushesFolder = "meta/pushes";
    private static readonly string HeadsKey = StateKey.Of("meta", "heads");
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    /// <summary>Failed tries after which a pending push is dropped (retried after 1 s, doubling up to 5 min: about half an hour).</summary>
    public const int MaxPushAttempts = 10;

    private static readonly TimeSpan MaxPushBackoff = TimeSpan.FromMinutes(5);

    private readonly IMetaRepository _repository;
    private readonly MetaSettings _settings;
    private readonly IStateStore _state;
    private readonly SettingResolver _resolver;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly SemaphoreSlim _work = new(0, int.MaxValue);

    public MetaNotifier(IMetaRepository repository, MetaSettings settings, IStateStore state, SettingResolver resolver, TimeProvider time,
        HttpMessageHandler? handler = null, ILogger<MetaNotifier>? logger = null)
    {
        _repository = repository;
        _settings = settings;
        _state = state;
        _resolver = resolver;
        _time = time;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(10);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public string Name => "meta";

    public async Task<bool> OnPushAsync(PushNotice push, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(push.Repository, _settings.Name, StringComparison.OrdinalIgnoreCase) || push.Ref != $"refs/heads/{_settings.Branch}") return false;
        var pending = new MetaPendingPush(push.Commit, push.DeliveryId, _time.GetUtcNow()) { Before = push.Before };
        await _state.TryCreateAsync(StateKey.Of("meta", "pushes", push.Commit), StateJson.Serialize(pending), cancellationToken);
        _logger.LogInformation("meta push {Commit} to {Repository} queued for notification (delivery {Delivery})", push.Commit, push.Repository, push.DeliveryId);
        _work.Release();
        return true;
    }

    /// <summary>Waits until a push arrives or <paramref name="timeout"/> passes (the host loop's tick).</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (await _work.WaitAsync(timeout, cancellationToken))
            while (_work.CurrentCount > 0) await _work.WaitAsync(cancellationToken);
    }

    /// <summary>Turns pending pushes into outbox entries, then sends every due entry once. Returns how many were delivered.</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken = default)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            await QueuePendingAsync(cancellationToken);
            return await DeliverDueAsync(cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>The signature header value for a body: <c>sha256=&lt;hex HMAC-SHA256&gt;</c>.</summary>
    public static string Sign(byte[] body, string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The delivery id of the notification about one event for one subscriber.</summary>
    public static string DeliveryIdFor(string subscriber, string eventPath) =>
        "mdl-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{subscriber}\n{eventPath}")))[..24];

    public void Dispose()
    {
        _http.Dispose();
        _running.Dispose();
        _work.Dispose();
    }

    private async Task QueuePendingAsync(CancellationToken cancellationToken)
    {
        var pushes = new List<(string Key, MetaPendingPush Push)>();
        foreach (var key in await _state.ListAsync(PushesFolder, cancellationToken))
            if (await ReadOrSkipAsync<MetaPendingPush>(key, cancellationToken) is { } push) pushes.Add((key, push));
        foreach (var (key, push) in pushes.OrderBy(p => p.Push.ReceivedAt))
        {
            // A push that failed waits for its backoff: each try may cost a network fetch.
            if (push.NextAttemptAt > _time.GetUtcNow()) continue;
            try
            {
                await QueueAsync(push, cancellationToken);
                await _state.DeleteAsync(key, cancellationToken);
            }
            catch (VarTrackException ex)
            {
                var attempts = push.Attempts + 1;
                if (attempts >= MaxPushAttempts)
                {
                    // Nothing is lost for good: meta/heads did not move, so the next push's comparison covers these channels.
                    await _state.DeleteAsync(key, cancellationToken);
                    _logger.LogWarning("meta push {Commit} dropped after {Attempts} failed attempts since {Received}: {Reason}; channels it moved are notified with the next push",
                        push.Commit, attempts, push.ReceivedAt, ex.Message);
                    continue;
                }
                // The repository cannot be read now (or the commit is gone): kept, tried again after a backoff.
                var delay = TimeSpan.FromSeconds(Math.Pow(2, attempts - 1));
                var next = push with { Attempts = attempts, LastError = ex.Message, NextAttemptAt = _time.GetUtcNow() + (delay > MaxPushBackoff ? MaxPushBackoff : delay) };
                await _state.WriteAsync(key, StateJson.Serialize(next), cancellationToken);
                _logger.LogError("meta push {Commit}: cannot compute the channels that moved (attempt {Attempt} of {Max}): {Reason}",
                    push.Commit, attempts, MaxPushAttempts, ex.Message);
            }
        }
    }

    private async Task QueueAsync(MetaPendingPush push, CancellationToken cancellationToken)
    {
        var tree = await _repository.ReadAsync(push.Commit, cancellationToken);
        var known = await StateJson.ReadAsync<MetaHeadsDocument>(_state, HeadsKey, cancellationToken);
        if (known is not null && known.Commit != tree.Commit && await _repository.IsAncestorAsync(tree.Commit!, known.Commit, cancellationToken) == true)
        {
            _logger.LogInformation("meta push {Commit} is older than {Known}, already notified; nothing to send", push.Commit, known.Commit);
            return;
        }
        var before = known?.Heads ?? await HeadsBeforeAsync(push, tree.Commit!, cancellationToken);
        var heads = ChannelResolver.All(tree);
        foreach (var (key, state) in heads)
        {
            if (before.TryGetValue(key, out var previous) && previous == state.LastEventPath.Path) continue;
            var body = Body(state, tree.Commit!);
            foreach (var subscriber in _settings.Subscribers.Where(s => s.Wants(state.Project)))
            {
                var id = DeliveryIdFor(subscriber.Name, state.LastEventPath.Path);
                var entry = new MetaOutboxEntry(id, subscriber.Name, body, _time.GetUtcNow()) { NextAttemptAt = _time.GetUtcNow() };
                if (await _state.TryCreateAsync(MetaOutbox.PendingKey(id), StateJson.Serialize(entry), cancellationToken))
                    _logger.LogInformation("meta: channel {Channel} moved to {Release} at {Commit}; notification {Delivery} queued for subscriber {Subscriber}",
                        key, state.CurrentReleaseId, tree.Commit, id, subscriber.Name);
            }
        }
        await _state.WriteAsync(HeadsKey, StateJson.Serialize(new MetaHeadsDocument(tree.Commit!, heads.ToDictionary(h => h.Key, h => h.Value.LastEventPath.Path))), cancellationToken);
    }

    /// <summary>
    /// Without a record of what was notified, the state before the push: the webhook's <c>before</c> commit (a push of
    /// several commits moves channels in each of them, not only in the last one's parent); all zeros is a new branch,
    /// where every channel is new; unknown falls back to the pushed commit's parent.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> HeadsBeforeAsync(MetaPendingPush push, string commit, CancellationToken cancellationToken)
    {
        var before = push.Before is { Length: > 0 } given ? given : await _repository.FirstParentAsync(commit, cancellationToken);
        if (before is null || Webhooks.GitRefs.IsZero(before)) return new Dictionary<string, string>();
        return ChannelResolver.All(await _repository.ReadAsync(before, cancellationToken)).ToDictionary(h => h.Key, h => h.Value.LastEventPath.Path);
    }

    private static string Body(ChannelState state, string commit) => new JsonObject
    {
        ["project"] = state.Project,
        ["channel"] = state.Channel,
        ["release_id"] = state.CurrentReleaseId,
        ["previous_release_id"] = state.LastEvent.PreviousReleaseId,
        ["commit"] = commit,
    }.ToJsonString();

    /// <summary>
    /// A queued document, or null when it is unreadable: one corrupt document must not stop every other notification.
    /// It is left in place for an operator and logged on every pass (its key only; the content may hold anything).
    /// </summary>
    private async Task<T?> ReadOrSkipAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await StateJson.ReadAsync<T>(_state, key, cancellationToken);
        }
        catch (InvalidDataException)
        {
            _logger.LogWarning("meta notifications: state document {Key} is unreadable; skipped (remove or fix it)", key);
            return null;
        }
    }

    private async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        foreach (var key in await _state.ListAsync(MetaOutbox.PendingFolder, cancellationToken))
        {
            var entry = await ReadOrSkipAsync<MetaOutboxEntry>(key, cancellationToken);
            if (entry is null || entry.NextAttemptAt > _time.GetUtcNow()) continue;
            var error = await SendAsync(entry, cancellationToken) is { } sent ? MetaDeliveryErrorMask.Printable(sent) : null;
            if (error is null)
            {
                await _state.DeleteAsync(key, cancellationToken);
                delivered++;
                _logger.LogInformation("meta notification {Delivery} delivered to subscriber {Subscriber} (attempt {Attempt})", entry.DeliveryId, entry.Subscriber, entry.Attempts + 1);
                continue;
            }
            var attempts = entry.Attempts + 1;
            var next = entry with { Attempts = attempts, LastError = error, LastAttemptAt = _time.GetUtcNow(), NextAttemptAt = _time.GetUtcNow() + Backoff(attempts) };
            if (attempts >= _settings.DeliveryAttempts)
            {
                await _state.WriteAsync(MetaOutbox.FailedKey(entry.DeliveryId), StateJson.Serialize(next), cancellationToken);
                await _state.DeleteAsync(key, cancellationToken);
                _logger.LogError("meta notification {Delivery} to subscriber {Subscriber} given up after {Attempts} attempts: {Error}", entry.DeliveryId, entry.Subscriber, attempts, error);
            }
            else
            {
                await _state.WriteAsync(key, StateJson.Serialize(next), cancellationToken);
                _logger.LogWarning("meta notification {Delivery} to subscriber {Subscriber} failed (attempt {Attempt} of {Max}): {Error}; next at {Next}",
                    entry.DeliveryId, entry.Subscriber, attempts, _settings.DeliveryAttempts, error, next.NextAttemptAt);
            }
        }
        return delivered;
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = _settings.DeliveryBackoff * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay > MaxBackoff ? MaxBackoff : delay;
    }

    /// <summary>Null when the subscriber answered 2xx; else why not (never the secret).</summary>
    private async Task<string?> SendAsync(MetaOutboxEntry entry, CancellationToken cancellationToken)
    {
        var subscriber = _settings.Subscribers.FirstOrDefault(s => s.Name == entry.Subscriber);
        if (subscriber is null) return $"subscriber '{entry.Subscriber}' is no longer configured";
        string secret;
        try
        {
            secret = (await _resolver.ResolveAsync(subscriber.Secret, $"the secret of meta subscriber '{subscriber.Name}'", cancellationToken)).Reveal();
        }
        catch (VarTrackException ex)
        {
            return ex.Message;
        }
        if (secret.Length == 0) return $"the secret of meta subscriber '{subscriber.Name}' is empty";
        var body = Encoding.UTF8.GetBytes(entry.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(body, secret));
        request.Headers.Add(DeliveryHeader, entry.DeliveryId);
        request.Headers.Add(EventHeader, "channel_moved");
        request.Headers.UserAgent.ParseAdd("VarTrack-Meta/1");
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException ex)
        {
            // A library message may quote the URL (credentials, a token in the query): masked before it is stored or logged.
            return ex.HttpRequestError == HttpRequestError.ConnectionError ? "cannot connect" : MetaDeliveryErrorMask.Apply(ex.Message, [subscriber]);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer within 10 s";
        }
    }
}

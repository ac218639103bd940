using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Core.Webhooks;

/// <summary>
/// The webhook endpoint every host serves (<c>POST /api/webhooks/{platform}</c>), independent of HTTP. In order:
/// unknown platform 404; body over the limit 413; no secret configured 403; missing or wrong signature 401 (always
/// verified, over the exact body bytes); body not a JSON object or a needed field missing 400; ping, unhandled event
/// or action, or deleted ref 200 ignored; no delivery id 400; a delivery id seen before 200 duplicate; no rule tracking
/// the repository (or, when the push lists its files, none of them) 200 ignored; otherwise the syncs are started and
/// the answer is 202 with their ids and status URLs. The repository, clone URL, ref and commit come from the verified
/// payload only. A refused request starts nothing and records no delivery. Rate limiting belongs to the host.
/// </summary>
public sealed class WebhookHandler
{
    /// <summary>The folder of the delivery ids kept to drop redeliveries (retention prunes it by age).</summary>
    internal const string DeliveriesRoot = "deliveries";

    /// <summary>Longest delivery id accepted (ids become state keys; platforms send UUIDs).</summary>
    public const int MaxDeliveryIdLength = 200;

    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private static readonly IReadOnlyList<IWebhookPlatform> KnownPlatforms =
        [new GitHubWebhookPlatform(), new GitLabWebhookPlatform(), new GiteaWebhookPlatform(), new BitbucketWebhookPlatform()];

    private readonly VarTrackConfig _config;
    private readonly SettingResolver _settings;
    private readonly IStateStore _state;
    private readonly ISyncStarter _starter;
    private readonly TimeProvider _time;
    private readonly WebhookOptions _options;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<IPushListener> _listeners;

    public WebhookHandler(
        VarTrackConfig config,
        SettingResolver settings,
        IStateStore state,
        ISyncStarter starter,
        TimeProvider time,
        WebhookOptions? options = null,
        ILogger<WebhookHandler>? logger = null,
        IEnumerable<IPushListener>? listeners = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _starter = starter ?? throw new ArgumentNullException(nameof(starter));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new WebhookOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _listeners = listeners?.ToList() ?? [];
    }

    /// <summary>The platform names accepted in the route: github, gitlab, gitea, bitbucket.</summary>
    public static IReadOnlyList<string> Platforms { get; } = KnownPlatforms.Select(p => p.Name).ToList();

    /// <summary>
    /// Answers one delivery. Throws only when the state store or the sync starter fails (hosts answer 500 so the
    /// platform retries); in that case no delivery is left recorded.
    /// </summary>
    public async Task<WebhookResponse> HandleAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var platform = KnownPlatforms.FirstOrDefault(p => string.Equals(p.Name, webhook.Platform, StringComparison.OrdinalIgnoreCase));
        if (platform is null)
        {
            var shown = webhook.Platform.Length > 40 ? webhook.Platform[..40] + "..." : webhook.Platform;
            return WebhookResponse.Refused(404, "unknown_platform", $"unknown webhook platform '{shown}' (known: {string.Join(", ", Platforms)})");
        }
        if (webhook.Body.Length > _options.MaxPayloadBytes)
            return WebhookResponse.Refused(413, "payload_too_large",
                $"the {platform.Name} payload is {webhook.Body.Length} bytes; the limit is {_options.MaxPayloadBytes} bytes");

        if (await VerifyAsync(platform, webhook, cancellationToken) is { } refusal)
            return refusal;

        WebhookEvent webhookEvent;
        try
        {
            // The signature covered the body as sent; a UTF-8 byte order mark is only skipped for parsing.
            var json = webhook.Body.Span.StartsWith(Utf8ByteOrderMark) ? webhook.Body[Utf8ByteOrderMark.Length..] : webhook.Body;
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Malformed($"the body must be a JSON object, not {(document.RootElement.ValueKind == JsonValueKind.Array ? "an array" : "a single value")}");
            webhookEvent = platform.Parse(webhook, PayloadNode.Root(document.RootElement));
        }
        catch (JsonException ex)
        {
            return Malformed($"the body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); " +
                             "configure the webhook to send application/json");
        }
        catch (MalformedPayloadException ex)
        {
            return Malformed(ex.Message);
        }
        catch (MissingEventTypeException ex)
        {
            return WebhookResponse.Refused(400, "missing_event_type", ex.Message);
        }

        if (webhookEvent.IsPing)
            return new WebhookResponse(200, new WebhookAnswer { Pong = true });
        if (webhookEvent.IgnoredReason is { } eventIgnored)
        {
            _logger.LogInformation("ignored {Platform} webhook: {Reason}", platform.Name, eventIgnored);
            return WebhookResponse.Ignore(eventIgnored);
        }

        var deliveryId = platform.DeliveryId(webhook);
        if (deliveryId is null)
            return WebhookResponse.Refused(400, "missing_delivery_id", $"the {platform.Name} delivery id header is missing ({platform.DeliveryHeader})");
        if (deliveryId.Length > MaxDeliveryIdLength)
            return WebhookResponse.Refused(400, "invalid_delivery_id", $"the {platform.Name} delivery id is longer than {MaxDeliveryIdLength} characters");

        var now = _time.GetUtcNow();
        var (requests, ruleIgnored) = Requests(platform.Name, webhookEvent.Commits, now);
        var syncIds = requests.Select(r => r.SyncId).ToList();

        // Created before anything starts: of two concurrent deliveries with the same id only one gets here.
        var key = StateKey.Of(DeliveriesRoot, platform.Name, deliveryId);
        var record = new WebhookDeliveryRecord(platform.Name, deliveryId, now, webhook.RemoteAddress, syncIds);
        if (!await _state.TryCreateAsync(key, record.ToUtf8(), cancellationToken))
        {
            var earlier = WebhookDeliveryRecord.SyncIdsOf(await _state.ReadAsync(key, cancellationToken));
            _logger.LogInformation("duplicate {Platform} webhook delivery {Delivery}", platform.Name, deliveryId);
            return new WebhookResponse(200, new WebhookAnswer { Duplicate = true, SyncIds = earlier }) { SyncIds = earlier };
        }
        // Push listeners (release metadata notifications) see every pushed commit, tracked by a rule or not.
        var listened = await NotifyListenersAsync(platform.Name, deliveryId, webhookEvent.Commits, key, cancellationToken);
        if (requests.Count == 0)
        {
            if (listened.Count > 0) return new WebhookResponse(202, new WebhookAnswer { PushListeners = listened });
            _logger.LogInformation("ignored {Platform} webhook delivery {Delivery}: {Reason}", platform.Name, deliveryId, ruleIgnored);
            return WebhookResponse.Ignore(ruleIgnored!);
        }

        try
        {
            foreach (var request in requests)
            {
                var started = await _starter.StartAsync(request, cancellationToken);
                _logger.LogInformation("{Platform} webhook delivery {Delivery}: sync {SyncId} for {Repository} {Ref} at {Commit} ({Outcome})",
                    platform.Name, deliveryId, request.SyncId, request.Repository, request.Ref, request.Commit, started ? "started" : "already known");
            }
        }
        catch
        {
            // Forget the delivery so the platform's retry is handled afresh (starting is idempotent by sync id).
            await _state.DeleteAsync(key, CancellationToken.None);
            throw;
        }

        var statusUrls = syncIds.Select(_options.StatusUrl).ToList();
        return new WebhookResponse(202, new WebhookAnswer
        {
            SyncId = syncIds[0],
            StatusUrl = statusUrls[0],
            SyncIds = syncIds,
            StatusUrls = statusUrls,
            PushListeners = listened.Count > 0 ? listened : null,
        }) { SyncIds = syncIds };
    }

    /// <summary>The names of the listeners that took a commit; on a listener's failure the delivery is forgotten (as for a sync start) and the error rethrown.</summary>
    private async Task<IReadOnlyList<string>> NotifyListenersAsync(string platform, string deliveryId, IReadOnlyList<WebhookCommit> commits, string deliveryKey, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            foreach (var commit in commits)
                foreach (var listener in _listeners)
                    if (await listener.OnPushAsync(new PushNotice(platform, deliveryId, commit.Repository, commit.CloneUrl, commit.Ref, commit.Commit) { Before = commit.Before }, cancellationToken)
                        && !names.Contains(listener.Name))
                        names.Add(listener.Name);
        }
        catch
        {
            await _state.DeleteAsync(deliveryKey, CancellationToken.None);
            throw;
        }
        return names;
    }

    private async Task<WebhookResponse?> VerifyAsync(IWebhookPlatform platform, IncomingWebhook webhook, CancellationToken cancellationToken)
    {
        var hint = $"set webhooks.{platform.Name}.secret in {VarTrackConfig.FileName}";
        if (!_config.WebhookSecrets.TryGetValue(platform.Name, out var setting))
            return WebhookResponse.Refused(403, "webhook_secret_not_configured", $"no webhook secret is configured for {platform.Name}; {hint}");
        string secret;
        try
        {
            secret = (await _settings.ResolveAsync(setting, $"webhooks.{platform.Name}.secret", cancellationToken)).Reveal();
        }
        catch (VarTrackException ex)
        {
            // The reason (which variable or vault path) is for the operator's log, not for the caller.
            _logger.LogError("cannot resolve the {Platform} webhook secret: {Reason}", platform.Name, ex.Message);
            return WebhookResponse.Refused(500, "webhook_secret_unavailable", $"the webhook secret for {platform.Name} cannot be resolved; see the server log");
        }
        // An empty key would let anyone compute a valid signature.
        if (secret.Length == 0)
            return WebhookResponse.Refused(403, "webhook_secret_not_configured", $"the webhook secret configured for {platform.Name} is empty; {hint}");

        var check = platform.Verify(webhook, secret);
        if (check == SignatureCheck.Valid) return null;
        _logger.LogWarning("refused {Platform} webhook from {RemoteAddress}: {Check} {Header}", platform.Name, webhook.RemoteAddress ?? "unknown", check, platform.SignatureHeader);
        return WebhookResponse.Refused(401, "bad_signature", check == SignatureCheck.Missing
            ? $"the {platform.SignatureHeader} header is missing; configure the {platform.Name} webhook with the secret set in {VarTrackConfig.FileName}"
            : $"the {platform.SignatureHeader} header does not match the configured {platform.Name} webhook secret");
    }

    /// <summary>The sync requests for the event's commits that some rule tracks; when there are none, why.</summary>
    private (List<SyncRequest> Requests, string? IgnoredReason) Requests(string platform, IReadOnlyList<WebhookCommit> commits, DateTimeOffset now)
    {
        var requests = new List<SyncRequest>();
        string? ignored = null;
        foreach (var commit in commits)
        {
            var rules = _config.Rules.Where(r => (r.Platform is null || r.Platform == platform) && r.TracksRepository(commit.Repository)).ToList();
            if (rules.Count == 0)
            {
                ignored ??= $"no rule tracks repository '{commit.Repository}' on {platform}";
                continue;
            }
            if (commit.ChangedFiles is { } files && !rules.Any(rule => files.Any(file => rule.TracksFile(file.Path))))
            {
                ignored ??= $"no file tracked by a rule changed in '{commit.Repository}' on {GitHubStylePayload.RefKind(commit.Ref)} '{GitRefs.ShortName(commit.Ref)}'";
                continue;
            }
            var request = new SyncRequest(SyncIds.For(commit.Repository, commit.Ref, commit.Commit), commit.Repository, commit.CloneUrl, commit.Ref, commit.Commit)
            {
                Platform = platform,
                ChangedFiles = commit.ChangedFiles,
                Trigger = "webhook",
                RequestedAt = now,
            };
            if (requests.All(r => r.SyncId != request.SyncId)) requests.Add(request);
        }
        return (requests, requests.Count == 0 ? ignored : null);
    }

    private static WebhookResponse Malformed(string message) => WebhookResponse.Refused(400, "malformed_payload", message);
}

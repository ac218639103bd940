using System.Text.Json.Serialization;

namespace VarTrack.Core.Webhooks;

/// <summary>
/// The JSON body of a webhook answer. Only the members that apply are set (the rest are left out of the JSON):
/// <c>{error, message}</c> for a refusal, <c>{pong}</c>, <c>{ignored}</c>, <c>{duplicate, sync_ids}</c>, or
/// <c>{sync_id, status_url, sync_ids, status_urls}</c> when syncs were started. Never holds a secret or a header value.
/// </summary>
public sealed record WebhookAnswer
{
    /// <summary>A stable machine-readable code: unknown_platform, payload_too_large, webhook_secret_not_configured,
    /// webhook_secret_unavailable, bad_signature, malformed_payload, missing_event_type, missing_delivery_id, invalid_delivery_id.</summary>
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    [JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    [JsonPropertyName("pong"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Pong { get; init; }

    /// <summary>Why the delivery was accepted but nothing was started.</summary>
    [JsonPropertyName("ignored"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ignored { get; init; }

    [JsonPropertyName("duplicate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Duplicate { get; init; }

    /// <summary>The first of <see cref="SyncIds"/>, for the common one-sync case.</summary>
    [JsonPropertyName("sync_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SyncId { get; init; }

    [JsonPropertyName("status_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StatusUrl { get; init; }

    [JsonPropertyName("sync_ids"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? SyncIds { get; init; }

    [JsonPropertyName("status_urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? StatusUrls { get; init; }

    /// <summary>The push listeners that took a pushed commit (<c>meta</c>: release metadata notifications).</summary>
    [JsonPropertyName("push_listeners"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? PushListeners { get; init; }
}

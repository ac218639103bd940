namespace VarTrack.Core.Webhooks;

/// <summary>Host-level settings of the webhook endpoint.</summary>
public sealed record WebhookOptions
{
    public const long DefaultMaxPayloadBytes = 5 * 1024 * 1024;

    /// <summary>Bodies larger than this are refused with 413. Hosts should also stop reading at this size; the handler
    /// checks again so a host that forgets cannot be made to parse an oversized body.</summary>
    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    /// <summary>Builds the status URL returned for a started sync id (relative or absolute, as the host serves it).</summary>
    public Func<string, string> StatusUrl { get; init; } = id => $"/api/syncs/{id}";
}

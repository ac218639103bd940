using System.Text.Json;
using System.Text.Json.Serialization;

namespace VarTrack.Core.Webhooks;

/// <summary>
/// The state document <c>deliveries/{platform}/{delivery id}</c>: created once per delivery before anything is
/// started, so a redelivery is answered as a duplicate naming the syncs of the first.
/// </summary>
internal sealed record WebhookDeliveryRecord(
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("delivery_id")] string DeliveryId,
    [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("remote_address")] string? RemoteAddress,
    [property: JsonPropertyName("sync_ids")] IReadOnlyList<string> SyncIds)
{
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <summary>The sync ids of a stored record; empty when the document cannot be read (it only serves the answer).</summary>
    public static IReadOnlyList<string> SyncIdsOf(byte[]? document)
    {
        if (document is null) return [];
        try
        {
            return JsonSerializer.Deserialize<WebhookDeliveryRecord>(document)?.SyncIds ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace VarTrack.Core.State;

/// <summary>The one JSON shape of VarTrack's state documents and API answers: snake_case, enums as text, no nulls.</summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> json, string key) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"state document '{key}' is empty");

    public static async Task<T?> ReadAsync<T>(IStateStore store, string key, CancellationToken cancellationToken) where T : class
    {
        var data = await store.ReadAsync(key, cancellationToken);
        if (data is null) return null;
        try
        {
            return Deserialize<T>(data, key);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"state document '{key}' is corrupt: {ex.Message}");
        }
    }
}

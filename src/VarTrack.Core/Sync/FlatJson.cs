using System.Text.Json;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Sync;

/// <summary>
/// The JSON form of a flat map that document sinks store (Redis json mode, S3/Blob objects, MongoDB file mode, the
/// .json file rendering): one object, keys sorted ordinally, every value a JSON string or null. Reading also accepts
/// numbers and booleans someone wrote by hand (kept as their JSON text), so drift shows instead of an error.
/// </summary>
public static class FlatJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static byte[] Serialize(IEnumerable<KeyValuePair<string, FlatValue>> values, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : default))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                if (value.Reveal() is { } text) writer.WriteString(key, text);
                else writer.WriteNull(key);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a stored document; <paramref name="where"/> names the store location for the error message.</summary>
    public static Dictionary<string, FlatValue> Parse(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(where, $"expected a JSON object of key -> value, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Null => FlatValue.Null,
                    JsonValueKind.String => FlatValue.Text(property.Value.GetString()!),
                    _ => FlatValue.Text(property.Value.GetRawText()),
                };
            return values;
        }
        catch (JsonException ex)
        {
            throw Invalid(where, ex.Message);
        }
    }

    /// <summary>The document after applying a change set's upserts and removals to <paramref name="current"/>.</summary>
    public static Dictionary<string, FlatValue> Apply(IReadOnlyDictionary<string, FlatValue> current, Planning.ChangeSet changes)
    {
        var next = new Dictionary<string, FlatValue>(current, StringComparer.Ordinal);
        foreach (var (key, value) in changes.Upserts) next[key] = value;
        foreach (var key in changes.Removals) next.Remove(key);
        return next;
    }

    private static VarTrackException Invalid(string where, string reason) => new(new Problem($"document at {where} is not a flat JSON map: {reason}"));
}

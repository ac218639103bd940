using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// The one byte form of every record in the meta repository: object keys sorted ordinally at every level, two-space
/// indentation with one member per line, LF line ends, a trailing newline, no escaping beyond what JSON requires
/// (so non-ASCII text and <c>+</c> stay readable), numbers as written. Exactly one byte sequence is canonical for a
/// value, so <see cref="IsCanonical"/> is "equals the canonical form of what it parses to" and a hand edit that
/// reorders or reformats a record is detected. One member per line (rather than one line per record) keeps the
/// diff of a changed field to that field's line.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static byte[] Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, node);
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses a record file; malformed JSON or a non-object is an error naming the path and line.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: ReaderOptions);
        }
        catch (JsonException ex) when (ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase))
        {
            throw new VarTrackException(new Problem("not valid JSON: a key is written twice") { File = path });
        }
        catch (JsonException ex)
        {
            throw new VarTrackException(new Problem($"not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})") { File = path });
        }
        return node as JsonObject ?? throw new VarTrackException(new Problem("a record must be a JSON object") { File = path });
    }

    /// <summary>True when the bytes are exactly the canonical form of the JSON they hold (false for invalid JSON).</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: ReaderOptions);
        }
        catch (JsonException)
        {
            return false;
        }
        return node is not null && utf8.SequenceEqual(Serialize(node));
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}

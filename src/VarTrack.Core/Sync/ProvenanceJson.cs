using System.Text.Json;
using VarTrack.Core.Errors;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// The one JSON form of a provenance record every sink stores, snake_case with sorted key lists and a schema version,
/// so records written by one sink or version read back in another. A record set is an object of owner -> record.
/// </summary>
public static class ProvenanceJson
{
    public const int SchemaVersion = 1;

    public static byte[] Serialize(Provenance record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, record);
        return buffer.ToArray();
    }

    public static string SerializeToString(Provenance record) => System.Text.Encoding.UTF8.GetString(Serialize(record));

    public static byte[] SerializeSet(IReadOnlyDictionary<string, Provenance> records)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (owner, record) in records.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(owner);
                Write(writer, record);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads one record; <paramref name="where"/> names the store location for the error message.</summary>
    public static Provenance Parse(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return Read(document.RootElement, where);
        }
        catch (JsonException ex)
        {
            throw Invalid(where, ex.Message);
        }
    }

    public static Provenance Parse(string json, string where) => Parse(System.Text.Encoding.UTF8.GetBytes(json), where);

    public static Dictionary<string, Provenance> ParseSet(ReadOnlySpan<byte> json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(where, "expected an object of owner -> record");
            var records = new Dictionary<string, Provenance>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
                records[property.Name] = Read(property.Value, $"{where} (owner '{property.Name}')");
            return records;
        }
        catch (JsonException ex)
        {
            throw Invalid(where, ex.Message);
        }
    }

    private static void Write(Utf8JsonWriter writer, Provenance record)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schema_version", SchemaVersion);
        writer.WriteString("rule", record.Rule);
        if (record.Tenant is not null) writer.WriteString("tenant", record.Tenant);
        writer.WriteString("environment", record.Environment);
        writer.WriteString("source_file", record.SourceFile);
        if (record.Commit is not null) writer.WriteString("commit", record.Commit);
        if (record.CommitTime is { } commitTime) writer.WriteString("commit_time", commitTime);
        writer.WriteString("applied_at", record.AppliedAt);
        writer.WriteString("content_hash", record.ContentHash);
        WriteKeys(writer, "owned_keys", record.OwnedKeys);
        WriteKeys(writer, "secret_keys", record.SecretKeys);
        WriteKeys(writer, "null_keys", record.NullKeys);
        writer.WriteEndObject();
    }

    private static void WriteKeys(Utf8JsonWriter writer, string name, IReadOnlySet<string> keys)
    {
        writer.WriteStartArray(name);
        foreach (var key in keys.Order(StringComparer.Ordinal)) writer.WriteStringValue(key);
        writer.WriteEndArray();
    }

    private static Provenance Read(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid(where, "expected an object");
        if (element.TryGetProperty("schema_version", out var version) && (version.ValueKind != JsonValueKind.Number || version.GetInt32() > SchemaVersion))
            throw Invalid(where, $"schema_version {version.GetRawText()} is newer than this VarTrack understands ({SchemaVersion})");
        try
        {
            return new Provenance
            {
                Rule = Text(element, "rule", where)!,
                Tenant = Text(element, "tenant", where, optional: true),
                Environment = Text(element, "environment", where)!,
                SourceFile = Text(element, "source_file", where)!,
                Commit = Text(element, "commit", where, optional: true),
                CommitTime = element.TryGetProperty("commit_time", out var ct) && ct.ValueKind != JsonValueKind.Null ? ct.GetDateTimeOffset() : null,
                AppliedAt = element.TryGetProperty("applied_at", out var at) ? at.GetDateTimeOffset() : default,
                ContentHash = Text(element, "content_hash", where)!,
                OwnedKeys = Keys(element, "owned_keys", where),
                SecretKeys = Keys(element, "secret_keys", where),
                NullKeys = Keys(element, "null_keys", where),
            };
        }
        catch (FormatException ex)
        {
            throw Invalid(where, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw Invalid(where, ex.Message);
        }
    }

    private static string? Text(JsonElement element, string name, string where, bool optional = false)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return optional ? null : throw Invalid(where, $"'{name}' is missing");
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(where, $"'{name}' must be a string");
    }

    private static HashSet<string> Keys(JsonElement element, string name, string where)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!element.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return keys;
        if (array.ValueKind != JsonValueKind.Array) throw Invalid(where, $"'{name}' must be a list of keys");
        foreach (var item in array.EnumerateArray())
            keys.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid(where, $"'{name}' must hold strings"));
        return keys;
    }

    private static VarTrackException Invalid(string where, string reason) =>
        new(new Problem($"provenance record at {where} is not valid: {reason}"));
}

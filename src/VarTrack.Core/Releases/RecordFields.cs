using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// Reads the fields of one record and collects every schema problem (missing, wrong type, unknown field, unsupported
/// schema_version) naming the path and field, so a hand-written record is reported in full at once.
/// </summary>
internal sealed class RecordFields
{
    public const string SchemaVersionField = "schema_version";
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"];

    private readonly JsonObject _json;
    private readonly string _path;
    private readonly string _kind;
    private readonly List<Problem> _problems = [];

    public RecordFields(JsonObject json, string path, string kind, int schemaVersion, params string[] fields)
    {
        _json = json;
        _path = path;
        _kind = kind;
        foreach (var (key, _) in json)
            if (key != SchemaVersionField && !fields.Contains(key))
                Add($"unknown field '{key}' in a {kind} record (fields: {string.Join(", ", fields.Append(SchemaVersionField).Order(StringComparer.Ordinal))})");
        if (!json.TryGetPropertyValue(SchemaVersionField, out var version))
            Add($"the {kind} record has no '{SchemaVersionField}'");
        else if (version is not JsonValue v || !v.TryGetValue<int>(out var number) || v.GetValueKind() != JsonValueKind.Number)
            Add($"'{SchemaVersionField}' must be a whole number");
        else if (number != schemaVersion)
            Add($"unsupported {SchemaVersionField} {number} (this VarTrack reads {schemaVersion})");
    }

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public void Add(string message) => _problems.Add(new Problem(message) { File = _path });

    public string? Text(string field, bool nullable = false, int maxLength = 4096)
    {
        if (!_json.TryGetPropertyValue(field, out var node))
        {
            Add($"the {_kind} record has no '{field}'");
            return null;
        }
        if (node is null)
        {
            if (!nullable) Add($"'{field}' must be a string, not null");
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            Add($"'{field}' must be a string{(nullable ? " or null" : "")}");
            return null;
        }
        var text = value.GetValue<string>();
        if (text.Length == 0 && !nullable) Add($"'{field}' must not be empty");
        else if (text.Length > maxLength) Add($"'{field}' is longer than {maxLength} characters");
        return text;
    }

    public long? Integer(string field)
    {
        if (!_json.TryGetPropertyValue(field, out var node) || node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var number))
        {
            Add(_json.ContainsKey(field) ? $"'{field}' must be a whole number" : $"the {_kind} record has no '{field}'");
            return null;
        }
        return number;
    }

    public DateTimeOffset? Time(string field)
    {
        var text = Text(field);
        if (text is null) return null;
        if (DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            return new DateTimeOffset(time, TimeSpan.Zero);
        Add($"'{field}' must be a UTC time like 2026-11-24T10:15:00.000Z, found {MetaNames.Shown(text)}");
        return null;
    }

    public JsonObject? Object(string field)
    {
        if (_json.TryGetPropertyValue(field, out var node) && node is JsonObject obj) return obj;
        Add(_json.ContainsKey(field) ? $"'{field}' must be an object" : $"the {_kind} record has no '{field}'");
        return null;
    }

    /// <summary>Throws every problem found, naming the path.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0) throw new VarTrackException(_problems);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>projects/&lt;project&gt;/flags/&lt;channel&gt;/flags.json</c>: the feature flags of one channel, name -> a boolean,
/// number or string. Unlike releases and events it is replaced when flags change; Git keeps its history.
/// </summary>
public sealed record FlagSet(IReadOnlyDictionary<string, JsonValue> Flags) : MetaRecord
{
    public const int SchemaVersion = 1;
    private const string Kind = "flag set";

    public static FlagSet Empty { get; } = new(new Dictionary<string, JsonValue>());

    public override JsonObject ToJson()
    {
        var flags = new JsonObject();
        foreach (var (name, value) in Flags.OrderBy(f => f.Key, StringComparer.Ordinal)) flags[name] = value.DeepClone();
        return new JsonObject { ["schema_version"] = SchemaVersion, ["flags"] = flags };
    }

    /// <summary>This set with <paramref name="set"/> applied and <paramref name="unset"/> removed.</summary>
    public FlagSet With(IReadOnlyDictionary<string, JsonValue> set, IReadOnlyCollection<string> unset)
    {
        var flags = new Dictionary<string, JsonValue>(Flags, StringComparer.Ordinal);
        foreach (var (name, value) in set) flags[MetaNames.Flag(name)] = value;
        foreach (var name in unset)
            if (!flags.Remove(name)) throw new VarTrackException(new Problem($"flag {MetaNames.Shown(name)} is not set, so it cannot be removed"));
        return new FlagSet(flags);
    }

    /// <summary><c>true</c>/<c>false</c> are booleans, JSON numbers are numbers, anything else is the string as written.</summary>
    public static JsonValue ValueOf(string text)
    {
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        try
        {
            if (JsonNode.Parse(text) is JsonValue number && number.GetValueKind() == JsonValueKind.Number) return number;
        }
        catch (JsonException)
        {
            // Not a number: a string.
        }
        return JsonValue.Create(text);
    }

    public static FlagSet Parse(JsonObject json, MetaPath path)
    {
        var fields = new RecordFields(json, path.Path, Kind, SchemaVersion, "flags");
        var flags = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
        if (fields.Object("flags") is { } map)
            foreach (var (name, value) in map)
            {
                if (MetaNames.ProblemOf("flag name", name, MetaNames.Flag) is { } bad) fields.Add(bad);
                else if (value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number or JsonValueKind.String)
                    flags[name] = (JsonValue)v.DeepClone();
                else fields.Add($"flag '{name}' must be a boolean, number or string");
            }
        fields.ThrowIfAny();
        return new FlagSet(flags);
    }
}

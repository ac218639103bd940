using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Files;

/// <summary>
/// <c>.json</c>: one flat object, keys as written (<c>"db.host": "x"</c>, not nested), sorted, indented, every value a
/// JSON string or <c>null</c> (the same <see cref="FlatJson"/> form as the other document sinks). Reading goes through
/// the project's JSON parser and the flattener, so a file someone nested by hand reads as <c>db.host</c> too, and
/// numbers or booleans typed by hand read as their text.
/// </summary>
public sealed class JsonFileFormat : IFlatFileFormat
{
    private const string FormatName = ".json";

    public string Name => "json";

    public bool HoldsNull => true;

    public byte[] Render(IReadOnlyDictionary<string, FlatValue> values)
    {
        foreach (var (key, value) in values)
            FlatFileText.CheckText(FormatName, key, value.Reveal(), escapesNul: true);
        var json = FlatJson.Serialize(values, indented: true);
        var content = new byte[json.Length + 1];
        json.CopyTo(content, 0);
        content[^1] = (byte)'\n';
        return content;
    }

    public Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where) =>
        FlatFileText.Read(content, where, ConfigFormat.Json, FormatName);
}

using System.Text;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Connectors.Files;

/// <summary>
/// <c>.ini</c>: the part of a key before its first dot is the section, the rest the key inside it
/// (<c>db.host</c> -> <c>[db]</c> <c>host = ...</c>; <c>db.pool.size</c> -> <c>[db]</c> <c>pool.size = ...</c>).
/// Keys without a dot sit at the top, before any section, and so do dotted keys whose first part is also a key of its
/// own (a file with both <c>db</c> and <c>db.host</c> writes <c>db.host = ...</c> at the top, since a section cannot
/// share a name with a top-level key). Reading joins section and key with a dot again, through the project's INI
/// parser and the flattener.
/// <para>
/// Values are written as is when they can be: not empty-looking, no leading or trailing whitespace, not starting with
/// a quote, no <c>;</c> or <c>#</c> (which other INI readers take for comments). Otherwise they are quoted: in
/// <c>"..."</c> when they hold no <c>"</c> and do not end in <c>\</c>, else in <c>'...'</c> (literal), else in
/// <c>"..."</c> with <c>\"</c> for quotes. INI has no line breaks in values and no escape for NUL: such a value, a
/// value that needs quotes but holds a <c>'</c> and ends in <c>\</c>, and a key the format cannot hold (holding
/// <c>=</c> or <c>:</c>, with leading or trailing whitespace, starting with <c>;</c>, <c>#</c> or <c>[</c>) are refused,
/// naming the key. Null is written as an empty value and read back as null through the owner's provenance.
/// </para>
/// </summary>
public sealed class IniFileFormat : IFlatFileFormat
{
    private const string FormatName = ".ini";

    private const string Blanks = " \t\r\f\v";

    public string Name => "ini";

    public bool HoldsNull => false;

    public byte[] Render(IReadOnlyDictionary<string, FlatValue> values)
    {
        var topLevel = new List<KeyValuePair<string, string>>();
        var sections = new SortedDictionary<string, List<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        foreach (var (key, value) in FlatFileText.Sorted(values))
        {
            var raw = value.Reveal();
            FlatFileText.CheckText(FormatName, key, raw, escapesNul: false);
            var encoded = EncodeValue(key, raw ?? "");
            var dot = key.IndexOf('.');
            if (dot > 0 && IsValidSection(key[..dot]) && IsValidKey(key[(dot + 1)..]) && !values.ContainsKey(key[..dot]))
            {
                var name = key[..dot];
                if (!sections.TryGetValue(name, out var entries)) sections[name] = entries = [];
                entries.Add(new(key[(dot + 1)..], encoded));
            }
            else if (IsValidKey(key))
                topLevel.Add(new(key, encoded));
            else
                throw FlatFileText.Unwritable(FormatName, key,
                    "an .ini key cannot be empty, hold '=', ':' or a line break, start with ';', '#' or '[', or start or end with whitespace");
        }

        var text = new StringBuilder(values.Count * 32);
        text.Append("# ").Append(FlatFileText.Notice).Append('\n');
        Append(text, topLevel);
        foreach (var (name, entries) in sections)
        {
            text.Append('\n').Append('[').Append(name).Append("]\n");
            Append(text, entries);
        }
        return FlatFileText.Encode(text);
    }

    public Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where) =>
        FlatFileText.Read(content, where, ConfigFormat.Ini, FormatName);

    private static void Append(StringBuilder text, List<KeyValuePair<string, string>> entries)
    {
        foreach (var (key, value) in entries)
        {
            text.Append(key).Append(" =");
            if (value.Length > 0) text.Append(' ').Append(value);
            text.Append('\n');
        }
    }

    private static string EncodeValue(string key, string value)
    {
        if (value.Contains('\n') || value.Contains('\r'))
            throw FlatFileText.Unwritable(FormatName, key, "an .ini value cannot hold a line break (use the env, json, yaml or properties format)");
        var needsQuotes = value.Length > 0 &&
                          (Blanks.Contains(value[0]) || Blanks.Contains(value[^1]) || value[0] is '"' or '\'' || value.Contains(';') || value.Contains('#'));
        if (!needsQuotes) return value;
        var endsInBackslash = value[^1] == '\\';
        if (!value.Contains('"') && !endsInBackslash) return $"\"{value}\"";
        if (!value.Contains('\'')) return $"'{value}'";
        if (!endsInBackslash) return $"\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        throw FlatFileText.Unwritable(FormatName, key,
            "the value needs quotes (it starts or ends with whitespace or a quote, or holds ';' or '#') but holds a single quote and ends in '\\', which no INI quoting can hold");
    }

    /// <summary>What the INI parser reads back as the same key: see the class summary.</summary>
    private static bool IsValidKey(string key) =>
        key.Length > 0 && key.IndexOfAny(['=', ':', '\n', '\r']) < 0 && !Blanks.Contains(key[0]) && !Blanks.Contains(key[^1]) &&
        key[0] is not (';' or '#' or '[');

    private static bool IsValidSection(string name) =>
        name.Length > 0 && name.IndexOfAny([']', '\n', '\r']) < 0 && !Blanks.Contains(name[0]) && !Blanks.Contains(name[^1]);
}

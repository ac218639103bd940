using System.Globalization;
using System.Text;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Connectors.Files;

/// <summary>
/// <c>.yaml</c>: one flat mapping, keys as written (<c>"db.host": "x"</c>, not nested), sorted. Every key and string
/// value is double-quoted, so no text is ever taken for a number, boolean, date or null (<c>"on"</c>, <c>"0755"</c>,
/// <c>"1e3"</c> stay strings); null is <c>null</c>. Inside the quotes <c>\\</c> and <c>\"</c> are escaped, line breaks
/// and tabs as <c>\n \r \t</c>, other non-printable characters as <c>\xXX</c>/<c>\uXXXX</c>, so each entry is one line.
/// Keys longer than YAML's 1024-character limit for plain mapping keys use the explicit <c>? key</c> form.
/// An empty map is written as <c>{}</c>.
/// </summary>
public sealed class YamlFileFormat : IFlatFileFormat
{
    private const string FormatName = ".yaml";

    // YAML 1.2 allows implicit keys of at most 1024 characters; stay clear of the limit.
    private const int MaxImplicitKeyLength = 1000;

    public string Name => "yaml";

    public bool HoldsNull => true;

    public byte[] Render(IReadOnlyDictionary<string, FlatValue> values)
    {
        var text = new StringBuilder(values.Count * 32);
        text.Append("# ").Append(FlatFileText.Notice).Append('\n');
        if (values.Count == 0) text.Append("{}\n");
        foreach (var (key, value) in FlatFileText.Sorted(values))
        {
            var raw = value.Reveal();
            FlatFileText.CheckText(FormatName, key, raw, escapesNul: true);
            var explicitKey = key.Length > MaxImplicitKeyLength;
            if (explicitKey) text.Append("? ");
            AppendQuoted(text, key);
            text.Append(explicitKey ? "\n: " : ": ");
            if (raw is null) text.Append("null");
            else AppendQuoted(text, raw);
            text.Append('\n');
        }
        return FlatFileText.Encode(text);
    }

    public Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where) =>
        FlatFileText.Read(content, where, ConfigFormat.Yaml, FormatName);

    /// <summary>A YAML double-quoted scalar on one line (YAML 1.2 section 5.7 escapes).</summary>
    private static void AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append(@"\\"); break;
                case '\0': text.Append(@"\0"); break;
                case '\a': text.Append(@"\a"); break;
                case '\b': text.Append(@"\b"); break;
                case '\t': text.Append(@"\t"); break;
                case '\n': text.Append(@"\n"); break;
                case '\v': text.Append(@"\v"); break;
                case '\f': text.Append(@"\f"); break;
                case '\r': text.Append(@"\r"); break;
                case '\u001b': text.Append(@"\e"); break;
                case '\u0085': text.Append(@"\N"); break;
                case '\u2028': text.Append(@"\L"); break;
                case '\u2029': text.Append(@"\P"); break;
                default:
                    if (char.IsSurrogate(c))
                        text.Append(c); // a valid pair (checked before rendering) is printable
                    else if (!IsPrintable(c))
                        text.Append(c <= 0xFF ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    // YAML's printable set (c-printable) minus the BOM, which a reader may drop.
    private static bool IsPrintable(char c) =>
        c is (>= ' ' and <= '~') or (>= '\u00A0' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD') && c != '\uFEFF';
}

using System.Globalization;
using System.Text;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Connectors.Files;

/// <summary>
/// <c>.properties</c>: one <c>key=value</c> line per key, keys as written, escaped the way
/// <c>java.util.Properties.store</c> escapes them, so Java (any version, any file encoding) and VarTrack's parser read
/// the same text: <c>\\</c>; <c>\t \n \r \f</c>; <c>\= \: \# \!</c> anywhere; a space in a key and a leading space
/// in a value as <c>\ </c>; every character outside printable ASCII as <c>\uXXXX</c> (UTF-16 units, so the file is
/// plain ASCII). Trailing spaces of a value are kept as written (Java keeps them too). Null is written as an empty
/// value and read back as null through the owner's provenance.
/// </summary>
public sealed class PropertiesFileFormat : IFlatFileFormat
{
    private const string FormatName = ".properties";

    public string Name => "properties";

    public bool HoldsNull => false;

    public byte[] Render(IReadOnlyDictionary<string, FlatValue> values)
    {
        var text = new StringBuilder(values.Count * 32);
        text.Append("# ").Append(FlatFileText.Notice).Append('\n');
        foreach (var (key, value) in FlatFileText.Sorted(values))
        {
            var raw = value.Reveal();
            FlatFileText.CheckText(FormatName, key, raw, escapesNul: true);
            if (key.Length == 0) throw FlatFileText.Unwritable(FormatName, key, "a .properties key cannot be empty");
            AppendEscaped(text, key, isKey: true);
            text.Append('=');
            AppendEscaped(text, raw ?? "", isKey: false);
            text.Append('\n');
        }
        return FlatFileText.Encode(text);
    }

    public Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where) =>
        FlatFileText.Read(content, where, ConfigFormat.Properties, FormatName);

    private static void AppendEscaped(StringBuilder text, string value, bool isKey)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\t': text.Append(@"\t"); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\f': text.Append(@"\f"); break;
                case '=' or ':' or '#' or '!': text.Append('\\').Append(c); break;
                // A key ends at whitespace and a value's leading whitespace is skipped; later spaces in a value are text.
                case ' ' when isKey || i == 0: text.Append(@"\ "); break;
                default:
                    if (c is < ' ' or > '~')
                        text.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
    }
}

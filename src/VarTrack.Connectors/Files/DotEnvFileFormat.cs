using System.Text;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Connectors.Files;

/// <summary>
/// <c>.env</c>: one <c>KEY=value</c> line per key, keys as written (so <c>db.host</c> stays <c>db.host</c>). A key must
/// be one the .env parser accepts, <c>[A-Za-z_][A-Za-z0-9_.-]*</c>; any other key is refused by name (rename it with
/// a rule's variable mapping). Values are written in the least surprising form that reads back exactly:
/// <list type="bullet">
/// <item>empty (and null) as <c>KEY=</c>;</item>
/// <item>plain words (ASCII letters, digits and <c>_-.,/:@+%^~=</c>) unquoted;</item>
/// <item>anything else without a single quote, backslash or line break in single quotes, which shells, docker compose
/// and the dotenv libraries all take literally (no <c>$</c> expansion, no escapes);</item>
/// <item>the rest in double quotes with <c>\\ \" \n \r \t</c> escapes. <c>$</c> stays as is: VarTrack's parser never
/// expands it, and there is no escape for it that the dotenv family agrees on.</item>
/// </list>
/// A value holding a NUL character cannot be written (the format has no escape for it).
/// </summary>
public sealed class DotEnvFileFormat : IFlatFileFormat
{
    private const string FormatName = ".env";

    public string Name => "env";

    public bool HoldsNull => false;

    public byte[] Render(IReadOnlyDictionary<string, FlatValue> values)
    {
        var text = new StringBuilder(values.Count * 32);
        text.Append("# ").Append(FlatFileText.Notice).Append('\n');
        foreach (var (key, value) in FlatFileText.Sorted(values))
        {
            var raw = value.Reveal();
            FlatFileText.CheckText(FormatName, key, raw, escapesNul: false);
            if (!IsValidKey(key))
                throw FlatFileText.Unwritable(FormatName, key,
                    "a .env key starts with a letter or '_' and continues with letters, digits, '_', '.' or '-' (rename it with the rule's variable mapping)");
            text.Append(key).Append('=');
            AppendValue(text, raw ?? "");
            text.Append('\n');
        }
        return FlatFileText.Encode(text);
    }

    public Dictionary<string, FlatValue> Parse(ReadOnlyMemory<byte> content, string where) =>
        FlatFileText.Read(content, where, ConfigFormat.DotEnv, FormatName);

    /// <summary>The same rule as the .env parser's, so every key written reads back.</summary>
    public static bool IsValidKey(string key)
    {
        if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')) return false;
        foreach (var c in key.AsSpan(1))
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
                return false;
        return true;
    }

    private static void AppendValue(StringBuilder text, string value)
    {
        if (value.Length == 0) return;
        if (value.All(IsPlain))
        {
            text.Append(value);
            return;
        }
        if (value.IndexOfAny(['\'', '\\', '\n', '\r']) < 0)
        {
            text.Append('\'').Append(value).Append('\'');
            return;
        }
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    // Characters no shell, dotenv reader or compose file gives a meaning to.
    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ',' or '/' or ':' or '@' or '+' or '%' or '^' or '~' or '=';
}

using System.Globalization;
using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Reads Java <c>.properties</c> files with the rules of <c>java.util.Properties.load(Reader)</c>:
/// <list type="bullet">
/// <item>Lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c>. Blank lines and lines whose first non-blank character is
/// <c>#</c> or <c>!</c> are skipped.</item>
/// <item>A line ending in an odd number of backslashes continues on the next line, whose leading whitespace is dropped
/// (a continued line starting with <c>#</c> is value text, not a comment).</item>
/// <item>The key ends at the first unescaped <c>=</c>, <c>:</c> or whitespace; whitespace and one <c>=</c> or <c>:</c>
/// after it are skipped; the rest of the logical line is the value, trailing whitespace included (as in Java).</item>
/// <item>Escapes <c>\t \n \r \f \uXXXX</c>; any other escaped character stands for itself (<c>\\ \= \: \# \! \ </c>).
/// A malformed <c>\u</c> is an error.</item>
/// <item>Keys are literal (<c>db.host</c> is one entry, never nested). A duplicate key is an error naming both lines,
/// where Java would silently keep the last one; an empty key is an error too. Every value is
/// <see cref="ScalarKind.String"/>.</item>
/// </list>
/// </summary>
public sealed class PropertiesFormatParser : IConfigFormatParser
{
    public ConfigFormat Format => ConfigFormat.Properties;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = source.Text;
        var root = new ConfigMap.Builder(new SourcePosition(1, 1));
        // One logical line at a time: its raw characters (escapes still in) and where each came from in the text.
        var line = new StringBuilder();
        var offsets = new List<int>();

        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsWhitespace(text[i])) i++;
            if (i >= text.Length) break;
            if (text[i] is '\n' or '\r')
            {
                i++;
                continue;
            }
            if (text[i] is '#' or '!')
            {
                i = SkipLine(text, i);
                continue;
            }

            line.Clear();
            offsets.Clear();
            var precedingBackslash = false;
            while (i < text.Length)
            {
                var c = text[i];
                if (c is '\n' or '\r')
                {
                    i = SkipLine(text, i);
                    if (!precedingBackslash) break;
                    // Continuation: drop the backslash that escaped the line end and the next line's indentation.
                    line.Length--;
                    offsets.RemoveAt(offsets.Count - 1);
                    precedingBackslash = false;
                    while (i < text.Length && IsWhitespace(text[i])) i++;
                    continue;
                }
                line.Append(c);
                offsets.Add(i);
                precedingBackslash = c == '\\' && !precedingBackslash;
                i++;
            }
            if (precedingBackslash)
            {
                // A backslash at the very end of the file continues nothing; Java drops it.
                line.Length--;
                offsets.RemoveAt(offsets.Count - 1);
            }
            if (line.Length > 0)
                ReadEntry(source, line.ToString(), offsets, root);
        }
        return root.Build();
    }

    private static void ReadEntry(SourceText source, string line, List<int> offsets, ConfigMap.Builder root)
    {
        var keyEnd = 0;
        var valueStart = line.Length;
        var hasSeparator = false;
        var precedingBackslash = false;
        for (; keyEnd < line.Length; keyEnd++)
        {
            var c = line[keyEnd];
            if (!precedingBackslash && c is '=' or ':')
            {
                valueStart = keyEnd + 1;
                hasSeparator = true;
                break;
            }
            if (!precedingBackslash && IsWhitespace(c))
            {
                valueStart = keyEnd + 1;
                break;
            }
            precedingBackslash = c == '\\' && !precedingBackslash;
        }
        for (; valueStart < line.Length; valueStart++)
        {
            var c = line[valueStart];
            if (IsWhitespace(c)) continue;
            if (hasSeparator || c is not ('=' or ':')) break;
            hasSeparator = true;
        }

        var keyPosition = source.Lines.PositionOf(offsets[0]);
        if (keyEnd == 0)
            throw Error(source, keyPosition, $"missing key before '{line[0]}'");
        var key = Unescape(source, line, 0, keyEnd, offsets);
        var valuePosition = source.Lines.PositionOf(valueStart < line.Length ? offsets[valueStart] : offsets[^1] + 1);
        var value = Unescape(source, line, valueStart, line.Length, offsets);

        if (!root.TryAdd(new ConfigEntry(key, keyPosition, ConfigScalar.String(value, valuePosition)), out var existing))
            throw Error(source, keyPosition, $"duplicate key '{key}' (first defined at {existing.KeyPosition})");
    }

    private static string Unescape(SourceText source, string line, int start, int end, List<int> offsets)
    {
        var result = new StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            var c = line[i];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }
            if (++i >= end) break;
            c = line[i];
            switch (c)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u':
                    if (end - (i + 1) < 4 || !IsHex(line.AsSpan(i + 1, 4)))
                        throw Error(source, source.Lines.PositionOf(offsets[i - 1]),
                            "malformed \\uXXXX escape (expected 4 hexadecimal digits after \\u)");
                    result.Append((char)int.Parse(line.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: result.Append(c); break;
            }
        }
        return result.ToString();
    }

    private static bool IsHex(ReadOnlySpan<char> digits)
    {
        foreach (var d in digits)
            if (!char.IsAsciiHexDigit(d))
                return false;
        return true;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\f';

    /// <summary>Returns the offset just after the line terminator at or after <paramref name="i"/>.</summary>
    private static int SkipLine(string text, int i)
    {
        while (i < text.Length && text[i] is not ('\n' or '\r')) i++;
        if (i < text.Length && text[i] == '\r') i++;
        if (i < text.Length && text[i] == '\n') i++;
        return i;
    }

    private static VarTrackException Error(SourceText source, SourcePosition position, string message) =>
        new(Problem.At(source.Path, position, message));
}

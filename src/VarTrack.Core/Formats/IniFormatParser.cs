using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Reads INI files.
/// <list type="bullet">
/// <item><c>[section]</c> starts a nested map under the section name, which is ONE literal key (<c>[a.b]</c> is the
/// key <c>a.b</c>, whitespace inside the brackets trimmed). Keys before the first section sit at the top level.
/// A section may be followed on its line by a <c>;</c> or <c>#</c> comment.</item>
/// <item><c>key = value</c> or <c>key: value</c> (the first <c>=</c> or <c>:</c> separates); key and value are trimmed;
/// <c>key =</c> is the empty string. Lines whose first non-blank character is <c>;</c> or <c>#</c> are comments.
/// There are no inline comments after an unquoted value and no indented continuation lines: the rest of the line is
/// the value, as written.</item>
/// <item>A value wholly in <c>"..."</c> or <c>'...'</c> loses the quotes; inside double quotes <c>\"</c> is a quote,
/// every other backslash is kept. After the closing quote only whitespace or a comment may follow.</item>
/// <item>Duplicate sections, duplicate keys in one section, and a section named like a top-level key are errors naming
/// both positions; any other line is an error. Every value is <see cref="ScalarKind.String"/>.</item>
/// </list>
/// </summary>
public sealed class IniFormatParser : IConfigFormatParser
{
    public ConfigFormat Format => ConfigFormat.Ini;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = source.Text;
        var root = new ConfigMap.Builder(new SourcePosition(1, 1));
        var sections = new List<(string Name, SourcePosition Position, ConfigMap.Builder Map)>();
        var sectionPositions = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var current = root;
        string? currentSection = null;

        var lineStart = 0;
        for (var lineNumber = 1; ; lineNumber++)
        {
            var newline = text.IndexOf('\n', lineStart);
            var line = text.AsSpan(lineStart, (newline < 0 ? text.Length : newline) - lineStart).TrimEnd(Blanks);
            var first = line.IndexOfAnyExcept(Blanks);
            if (first >= 0 && line[first] is not (';' or '#'))
            {
                if (line[first] == '[')
                {
                    var (name, position) = ReadSectionHeader(source, line, first, lineNumber);
                    if (sectionPositions.TryGetValue(name, out var earlier))
                        throw Error(source, position, $"duplicate section '{name}' (first defined at {earlier})");
                    if (root.TryGet(name, out var topLevelKey))
                        throw Error(source, position,
                            $"section '{name}' has the same name as the top-level key defined at {topLevelKey.KeyPosition}");
                    sectionPositions.Add(name, position);
                    current = new ConfigMap.Builder(position);
                    currentSection = name;
                    sections.Add((name, position, current));
                }
                else
                {
                    ReadKeyValue(source, line, first, lineNumber, current, currentSection);
                }
            }
            if (newline < 0) break;
            lineStart = newline + 1;
        }

        // Sections follow every top-level key and their names were checked against those keys above.
        foreach (var (name, position, map) in sections)
            root.TryAdd(new ConfigEntry(name, position, map.Build()), out _);
        return root.Build();
    }

    private const string Blanks = " \t\r\f\v";

    private static (string Name, SourcePosition Position) ReadSectionHeader(
        SourceText source, ReadOnlySpan<char> line, int open, int lineNumber)
    {
        var position = new SourcePosition(lineNumber, open + 1);
        var close = line[(open + 1)..].IndexOf(']');
        if (close < 0)
            throw Error(source, position, "unclosed section header (missing ']')");
        close += open + 1;
        var name = line[(open + 1)..close].Trim(Blanks).ToString();
        if (name.Length == 0)
            throw Error(source, position, "empty section name");
        var rest = close + 1;
        var next = line[rest..].IndexOfAnyExcept(Blanks);
        if (next >= 0 && line[rest + next] is not (';' or '#'))
            throw Error(source, new SourcePosition(lineNumber, rest + next + 1),
                $"unexpected text after section header '[{name}]'");
        return (name, position);
    }

    private static void ReadKeyValue(SourceText source, ReadOnlySpan<char> line, int first, int lineNumber,
        ConfigMap.Builder section, string? sectionName)
    {
        var keyPosition = new SourcePosition(lineNumber, first + 1);
        var separator = line[first..].IndexOfAny('=', ':');
        if (separator < 0)
            throw Error(source, keyPosition, "expected 'key = value', 'key: value', a '[section]' header or a comment");
        separator += first;
        var key = line[first..separator].TrimEnd(Blanks).ToString();
        if (key.Length == 0)
            throw Error(source, keyPosition, $"missing key before '{line[separator]}'");

        var valueStart = separator + 1;
        var skipped = line[valueStart..].IndexOfAnyExcept(Blanks);
        valueStart = skipped < 0 ? line.Length : valueStart + skipped;
        var valuePosition = new SourcePosition(lineNumber, valueStart + 1);
        var value = Unquote(source, line, valueStart, lineNumber, key);

        if (!section.TryAdd(new ConfigEntry(key, keyPosition, ConfigScalar.String(value, valuePosition)), out var existing))
        {
            var where = sectionName is null ? "" : $" in section '{sectionName}'";
            throw Error(source, keyPosition, $"duplicate key '{key}'{where} (first defined at {existing.KeyPosition})");
        }
    }

    private static string Unquote(SourceText source, ReadOnlySpan<char> line, int start, int lineNumber, string key)
    {
        var raw = line[start..];
        if (raw.Length == 0 || raw[0] is not ('"' or '\'')) return raw.ToString();

        var quote = raw[0];
        var opened = new SourcePosition(lineNumber, start + 1);
        var value = new StringBuilder();
        var i = 1;
        while (true)
        {
            if (i >= raw.Length)
            {
                var kind = quote == '"' ? "double" : "single";
                throw Error(source, opened, $"unterminated {kind}-quoted value of key '{key}' (opened at {opened})");
            }
            if (quote == '"' && raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] == '"')
            {
                value.Append('"');
                i += 2;
                continue;
            }
            if (raw[i] == quote) break;
            value.Append(raw[i]);
            i++;
        }

        var after = raw[(i + 1)..].IndexOfAnyExcept(Blanks);
        if (after >= 0 && raw[i + 1 + after] is not (';' or '#'))
            throw Error(source, new SourcePosition(lineNumber, start + i + 1 + after + 1),
                $"unexpected text after the closing quote of key '{key}'");
        return value.ToString();
    }

    private static VarTrackException Error(SourceText source, SourcePosition position, string message) =>
        new(Problem.At(source.Path, position, message));
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Strict JSON (RFC 8259: no comments, no trailing commas, one value per file) read with <see cref="Utf8JsonReader"/>
/// straight from the file's UTF-8 bytes. Numbers keep their raw text (<c>1.50</c>, <c>1e3</c>, integers of any size);
/// duplicate object keys are errors. The root is returned as written: a non-object root is reported by the caller.
/// </summary>
public sealed partial class JsonFormatParser : IConfigFormatParser
{
    /// <summary>Objects and arrays nested deeper than this are refused (keeps recursion bounded on hostile input).</summary>
    public const int MaxNestingDepth = 256;

    public ConfigFormat Format => ConfigFormat.Json;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Document(source).Read();
    }

    /// <summary>The state of one parse: the byte line table and the containers currently open (for end-of-input errors).</summary>
    private sealed class Document
    {
        private readonly SourceText _source;
        private readonly ReadOnlyMemory<byte> _utf8;
        private readonly ByteLineTable _lines;
        private readonly Stack<(string Kind, SourcePosition Position)> _open = new();

        public Document(SourceText source)
        {
            _source = source;
            _utf8 = source.Utf8;
            _lines = new ByteLineTable(source.Utf8);
        }

        public ConfigNode Read()
        {
            var options = new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Disallow,
                AllowTrailingCommas = false,
                // One more than ours so that our check, which knows the position, fires first.
                MaxDepth = MaxNestingDepth + 1,
            };
            var reader = new Utf8JsonReader(_utf8.Span, options);
            try
            {
                if (!reader.Read())
                    throw Fail(_lines.PositionOf(_utf8.Length), "empty document, expected a JSON value");
                var root = ReadValue(ref reader);
                // The reader itself rejects anything but whitespace after the root value.
                if (reader.Read())
                    throw Fail(_lines.PositionOf(reader.TokenStartIndex), "unexpected content after the JSON value");
                return root;
            }
            catch (JsonException e)
            {
                throw Translate(e);
            }
        }

        private ConfigNode ReadValue(ref Utf8JsonReader reader)
        {
            var position = _lines.PositionOf(reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    return ReadObject(ref reader, position);
                case JsonTokenType.StartArray:
                    return ReadArray(ref reader, position);
                case JsonTokenType.String:
                    return ConfigScalar.String(ReadString(ref reader, position), position);
                case JsonTokenType.Number:
                    // Numbers are never escaped, so the value bytes are exactly what the author wrote.
                    return new ConfigScalar(Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Number, position);
                case JsonTokenType.True:
                    return new ConfigScalar("true", ScalarKind.Boolean, position);
                case JsonTokenType.False:
                    return new ConfigScalar("false", ScalarKind.Boolean, position);
                case JsonTokenType.Null:
                    return ConfigScalar.Null(position);
                default:
                    throw Fail(position, $"unexpected {reader.TokenType} token");
            }
        }

        private ConfigMap ReadObject(ref Utf8JsonReader reader, SourcePosition position)
        {
            EnterContainer(ref reader, "object", position);
            var builder = new ConfigMap.Builder(position);
            while (Advance(ref reader) != JsonTokenType.EndObject)
            {
                var keyPosition = _lines.PositionOf(reader.TokenStartIndex);
                var key = ReadString(ref reader, keyPosition);
                // Checked before the value is read so that errors come out in document order.
                if (builder.TryGet(key, out var first))
                    throw Fail(keyPosition, $"duplicate key '{Printable(key)}' (first defined at {first.KeyPosition})");
                Advance(ref reader);
                builder.TryAdd(new ConfigEntry(key, keyPosition, ReadValue(ref reader)), out _);
            }
            _open.Pop();
            return builder.Build();
        }

        private ConfigList ReadArray(ref Utf8JsonReader reader, SourcePosition position)
        {
            EnterContainer(ref reader, "array", position);
            var items = new List<ConfigNode>();
            while (Advance(ref reader) != JsonTokenType.EndArray)
                items.Add(ReadValue(ref reader));
            _open.Pop();
            return new ConfigList(items, position);
        }

        private void EnterContainer(ref Utf8JsonReader reader, string kind, SourcePosition position)
        {
            if (reader.CurrentDepth >= MaxNestingDepth)
                throw Fail(position, $"nesting deeper than {MaxNestingDepth}");
            _open.Push((kind, position));
        }

        private JsonTokenType Advance(ref Utf8JsonReader reader)
        {
            // With the whole file as the final block the reader throws on truncation; this is only a guard.
            if (!reader.Read())
                throw EndOfInput();
            return reader.TokenType;
        }

        private string ReadString(ref Utf8JsonReader reader, SourcePosition position)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                // The reader validates escapes lazily: a lone surrogate such as "\uD800" only fails here.
                throw Fail(position, $"invalid string: {CleanMessage(e.Message)}");
            }
        }

        private VarTrackException Translate(JsonException e)
        {
            var offset = _lines.OffsetOf((int)(e.LineNumber ?? 0), e.BytePositionInLine ?? 0);
            var position = _lines.PositionOf(offset);
            if (IsWhitespace(_utf8.Span))
                return Fail(position, "empty document, expected a JSON value");
            // Truncation is reported where the reader stopped, which may be before the end (at a trailing comma).
            var truncated = IsWhitespace(_utf8.Span[(int)offset..])
                || e.Message.Contains("reached end of data", StringComparison.Ordinal);
            if (truncated && _open.Count > 0)
                return EndOfInput();
            if (InvalidLiteral().IsMatch(e.Message))
                position = _lines.PositionOf(StartOfWord(offset));
            return Fail(position, CleanMessage(e.Message));
        }

        /// <summary>The reader places a bad literal's error where it stopped matching (<c>tru|x</c>); point at its start.</summary>
        private long StartOfWord(long offset)
        {
            var bytes = _utf8.Span;
            var start = (int)Math.Min(offset, bytes.Length);
            while (start > 0 && char.IsAsciiLetter((char)bytes[start - 1]))
                start--;
            return start;
        }

        private VarTrackException EndOfInput()
        {
            var end = _lines.PositionOf(_utf8.Length);
            if (_open.Count == 0)
                return Fail(end, "unexpected end of input");
            var (kind, opened) = _open.Peek();
            return Fail(end, $"unexpected end of input, {kind} opened at {opened} is not closed");
        }

        private VarTrackException Fail(SourcePosition position, string message) =>
            new(Problem.At(_source.Path, position, message));

        private static bool IsWhitespace(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(" \t\r\n"u8) < 0;
    }

    /// <summary>
    /// Keeps what the library says is wrong and drops its position suffix and advice about reader options
    /// (we report the position ourselves, and the options are not the user's to change).
    /// </summary>
    private static string CleanMessage(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
            message = message[..cut];
        // "'tru, "password": "hunter2"}' is an invalid JSON literal": the reader quotes the rest of the input, which
        // may hold values. Its other messages quote a single character.
        var literal = InvalidLiteral().Match(message);
        if (literal.Success)
            return $"invalid literal, expected '{literal.Groups[1].Value}'";
        message = message
            .Replace(" which is not supported in this mode", "", StringComparison.Ordinal)
            .Replace(" Change the reader options.", "", StringComparison.Ordinal)
            .ReplaceLineEndings(" ")
            .Trim()
            .TrimEnd('.');
        if (message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1]))
            message = char.ToLowerInvariant(message[0]) + message[1..];
        return message.Length == 0 ? "invalid JSON" : message;
    }

    [GeneratedRegex(@"is an invalid JSON literal\. Expected the literal '(\w+)'", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidLiteral();

    /// <summary>Keys go into one-line messages: control characters are shown escaped.</summary>
    private static string Printable(string key)
    {
        if (!key.Any(char.IsControl))
            return key;
        var text = new StringBuilder(key.Length + 8);
        foreach (var c in key)
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return text.ToString();
    }

    /// <summary>
    /// Byte offset to 1-based line and column, the column counted in UTF-16 characters like <see cref="LineIndex"/>.
    /// Positions are asked for in increasing order while reading, so the column is counted on from the previous answer
    /// instead of from the line start; a 10 MB single-line file stays linear.
    /// </summary>
    private sealed class ByteLineTable
    {
        private readonly ReadOnlyMemory<byte> _utf8;
        private readonly int[] _lineStarts;
        private int _line;
        private int _offset;
        private int _column;

        public ByteLineTable(ReadOnlyMemory<byte> utf8)
        {
            _utf8 = utf8;
            var bytes = utf8.Span;
            _lineStarts = new int[bytes.Count((byte)'\n') + 1];
            var line = 1;
            for (var i = bytes.IndexOf((byte)'\n'); i >= 0; i = NextNewLine(bytes, i))
                _lineStarts[line++] = i + 1;
        }

        private static int NextNewLine(ReadOnlySpan<byte> bytes, int previous)
        {
            var next = bytes[(previous + 1)..].IndexOf((byte)'\n');
            return next < 0 ? -1 : previous + 1 + next;
        }

        /// <summary>The byte offset of a 0-based line and byte column as <see cref="JsonException"/> reports them.</summary>
        public long OffsetOf(int line, long byteInLine)
        {
            line = Math.Clamp(line, 0, _lineStarts.Length - 1);
            return Math.Clamp(_lineStarts[line] + byteInLine, 0, _utf8.Length);
        }

        public SourcePosition PositionOf(long byteOffset)
        {
            var offset = (int)Math.Clamp(byteOffset, 0, _utf8.Length);
            var line = LineOf(offset);
            int from, column;
            if (line == _line && offset >= _offset)
                (from, column) = (_offset, _column);
            else
                (from, column) = (_lineStarts[line], 0);
            column += Encoding.UTF8.GetCharCount(_utf8.Span[from..offset]);
            (_line, _offset, _column) = (line, offset, column);
            return new SourcePosition(line + 1, column + 1);
        }

        private int LineOf(int offset)
        {
            if (offset >= _lineStarts[_line] && (_line + 1 == _lineStarts.Length || offset < _lineStarts[_line + 1]))
                return _line;
            var found = Array.BinarySearch(_lineStarts, offset);
            return found >= 0 ? found : ~found - 1;
        }
    }
}

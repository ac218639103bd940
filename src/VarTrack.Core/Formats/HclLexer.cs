using System.Globalization;
using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Splits HCL native syntax into tokens on demand, so the first problem in the file is the one reported.
/// Strings and heredocs are read whole here because their content is context-dependent (escapes, templates).
/// </summary>
internal sealed class HclLexer
{
    /// <summary>How deep quoted strings may nest inside template sequences (<c>"${ "${ ... }" }"</c>).</summary>
    internal const int MaxTemplateDepth = 256;

    private readonly SourceText _source;
    private readonly string _text;
    private int _pos;
    private HclToken? _peeked;

    public HclLexer(SourceText source)
    {
        _source = source;
        _text = source.Text;
    }

    public HclToken Peek() => _peeked ??= Scan();

    public HclToken Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    public SourcePosition PositionOf(int offset) => _source.Lines.PositionOf(offset);

    public VarTrackException Error(int offset, string message) => Error(PositionOf(offset), message);

    public VarTrackException Error(SourcePosition position, string message) =>
        new(Problem.At(_source.Path, position, message));

    /// <summary>The source text of a token, for messages.</summary>
    public string RawText(HclToken token) => _text[token.Start..token.End];

    private HclToken Scan()
    {
        SkipSpaceAndComments();
        var start = _pos;
        if (_pos >= _text.Length)
            return new HclToken(HclTokenKind.EndOfFile, start, start, "");

        var c = _text[_pos];
        switch (c)
        {
            case '\n':
                _pos++;
                return new HclToken(HclTokenKind.Newline, start, _pos, "\n");
            case '"':
                return ScanString();
            case '=':
                if (At(1) is '=' or '>') return Punct(HclTokenKind.Operator, 2);
                return Punct(HclTokenKind.Equals, 1);
            case ':': return Punct(HclTokenKind.Colon, 1);
            case ',': return Punct(HclTokenKind.Comma, 1);
            case '{': return Punct(HclTokenKind.OpenBrace, 1);
            case '}': return Punct(HclTokenKind.CloseBrace, 1);
            case '[': return Punct(HclTokenKind.OpenBracket, 1);
            case ']': return Punct(HclTokenKind.CloseBracket, 1);
            case '(': return Punct(HclTokenKind.OpenParen, 1);
            case ')': return Punct(HclTokenKind.CloseParen, 1);
            case '<':
                if (At(1) == '<') return ScanHeredoc();
                return Punct(HclTokenKind.Operator, At(1) == '=' ? 2 : 1);
            case '>':
            case '!':
                return Punct(HclTokenKind.Operator, At(1) == '=' ? 2 : 1);
            case '&':
            case '|':
                if (At(1) == c) return Punct(HclTokenKind.Operator, 2);
                break;
            case '.':
                return Punct(HclTokenKind.Operator, At(1) == '.' && At(2) == '.' ? 3 : 1);
            case '+':
            case '-':
            case '*':
            case '/':
            case '%':
            case '?':
                return Punct(HclTokenKind.Operator, 1);
        }

        if (c is >= '0' and <= '9')
            return ScanNumber();
        if (Rune.TryGetRuneAt(_text, _pos, out var rune) && IsIdentifierStart(rune))
            return ScanIdentifier();

        throw UnexpectedCharacter(_pos);
    }

    private char At(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private HclToken Punct(HclTokenKind kind, int length)
    {
        var start = _pos;
        _pos += length;
        return new HclToken(kind, start, _pos, _text.Substring(start, length));
    }

    private VarTrackException UnexpectedCharacter(int offset)
    {
        var c = _text[offset];
        if (c == '\'')
            return Error(offset, "single quotes do not make a string in HCL; use double quotes");
        string shown;
        if (Rune.TryGetRuneAt(_text, offset, out var rune))
            shown = Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) ? $"U+{rune.Value:X4}" : $"'{rune}'";
        else
            shown = $"U+{(int)c:X4}";
        return Error(offset, $"unexpected character {shown}");
    }

    /// <summary>Spaces, tabs, carriage returns and comments; a line comment stops before its newline, which stays a token.</summary>
    private void SkipSpaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else if (c == '#' || (c == '/' && At(1) == '/'))
            {
                var end = _text.IndexOf('\n', _pos);
                _pos = end < 0 ? _text.Length : end;
            }
            else if (c == '/' && At(1) == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                    throw Error(_text.Length, $"unterminated comment, missing '*/' (opened at {PositionOf(_pos)})");
                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private HclToken ScanNumber()
    {
        var start = _pos;
        SkipDigits();
        if (At(0) == '.' && IsDigit(At(1)))
        {
            _pos++;
            SkipDigits();
        }
        if (At(0) is 'e' or 'E')
        {
            var sign = At(1) is '+' or '-' ? 1 : 0;
            if (IsDigit(At(1 + sign)))
            {
                _pos += 1 + sign;
                SkipDigits();
            }
        }
        return new HclToken(HclTokenKind.Number, start, _pos, _text[start.._pos]);
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private void SkipDigits()
    {
        while (_pos < _text.Length && IsDigit(_text[_pos])) _pos++;
    }

    private HclToken ScanIdentifier()
    {
        var start = _pos;
        _pos = IdentifierEnd(_pos);
        return new HclToken(HclTokenKind.Identifier, start, _pos, _text[start.._pos]);
    }

    /// <summary>End offset of the identifier starting at <paramref name="offset"/> (which must be an identifier start).</summary>
    private int IdentifierEnd(int offset)
    {
        var pos = offset;
        while (pos < _text.Length && Rune.TryGetRuneAt(_text, pos, out var rune) &&
               (pos == offset ? IsIdentifierStart(rune) : IsIdentifierContinue(rune)))
            pos += rune.Utf16SequenceLength;
        return pos;
    }

    // Approximates UAX #31 ID_Start / ID_Continue with general categories; HCL adds '-' to the continue set.
    private static bool IsIdentifierStart(Rune rune) =>
        rune.Value == '_' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter
            or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;

    private static bool IsIdentifierContinue(Rune rune) =>
        IsIdentifierStart(rune) || rune.Value == '-' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.ConnectorPunctuation;

    private HclToken ScanString()
    {
        var open = _pos;
        _pos++;
        var value = new StringBuilder();
        var hasTemplate = false;
        ScanQuotedRest(open, value, raw: false, depth: 0, ref hasTemplate);
        return new HclToken(HclTokenKind.String, open, _pos, value.ToString(), hasTemplate);
    }

    /// <summary>
    /// Reads a quoted string after its opening quote. With <paramref name="raw"/> (a string inside a template sequence)
    /// the text is copied as written including quotes; otherwise backslash escapes are decoded. Template sequences are
    /// always copied as written, including the <c>$${</c> and <c>%%{</c> literal escapes.
    /// </summary>
    private void ScanQuotedRest(int open, StringBuilder value, bool raw, int depth, ref bool hasTemplate)
    {
        while (true)
        {
            if (_pos >= _text.Length)
                throw Error(_text.Length, $"unterminated string, missing closing '\"' (opened at {PositionOf(open)})");
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                if (raw) value.Append('"');
                return;
            }
            if (c == '\n' || (c == '\r' && At(1) == '\n'))
                throw Error(_pos, $"newline inside a quoted string (opened at {PositionOf(open)}); use \\n or a heredoc");
            if (c == '\\')
            {
                if (raw)
                {
                    value.Append(c);
                    _pos++;
                    // The escaped character is copied by the next round unless it is a quote, which must not end the string.
                    if (At(0) == '"')
                    {
                        value.Append('"');
                        _pos++;
                    }
                    else if (At(0) == '\\')
                    {
                        value.Append('\\');
                        _pos++;
                    }
                }
                else
                {
                    ReadEscape(open, value);
                }
                continue;
            }
            if (c is '$' or '%')
            {
                if (At(1) == c && At(2) == '{')
                {
                    value.Append(_text, _pos, 3);
                    _pos += 3;
                    continue;
                }
                if (At(1) == '{')
                {
                    hasTemplate = true;
                    ScanTemplateSequence(value, depth + 1, ref hasTemplate);
                    continue;
                }
            }
            value.Append(c);
            _pos++;
        }
    }

    /// <summary>Copies a <c>${ ... }</c> or <c>%{ ... }</c> sequence as written, following nested braces and strings.</summary>
    private void ScanTemplateSequence(StringBuilder value, int depth, ref bool hasTemplate)
    {
        var open = _pos;
        if (depth > MaxTemplateDepth)
            throw Error(open, $"template sequences nested deeper than {MaxTemplateDepth} levels");
        var opener = _text.Substring(_pos, 2);
        value.Append(opener);
        _pos += 2;
        var braces = 0;
        while (true)
        {
            if (_pos >= _text.Length)
                throw Error(_text.Length, $"unterminated template sequence '{opener}', missing '}}' (opened at {PositionOf(open)})");
            var c = _text[_pos];
            if (c == '"')
            {
                var nestedOpen = _pos;
                value.Append(c);
                _pos++;
                ScanQuotedRest(nestedOpen, value, raw: true, depth + 1, ref hasTemplate);
                continue;
            }
            value.Append(c);
            _pos++;
            if (c == '{')
            {
                braces++;
            }
            else if (c == '}')
            {
                if (braces == 0) return;
                braces--;
            }
        }
    }

    private void ReadEscape(int open, StringBuilder value)
    {
        var backslash = _pos;
        if (_pos + 1 >= _text.Length)
            throw Error(_text.Length, $"unterminated string, missing closing '\"' (opened at {PositionOf(open)})");
        var e = _text[_pos + 1];
        switch (e)
        {
            case 'n': value.Append('\n'); break;
            case 'r': value.Append('\r'); break;
            case 't': value.Append('\t'); break;
            case '"': value.Append('"'); break;
            case '\\': value.Append('\\'); break;
            case 'u':
            case 'U':
                var digits = e == 'u' ? 4 : 8;
                var hex = _pos + 2 + digits <= _text.Length ? _text.Substring(_pos + 2, digits) : "";
                if (hex.Length != digits || !hex.All(char.IsAsciiHexDigit)
                    || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    throw Error(backslash, $"invalid escape sequence: '\\{e}' needs {digits} hexadecimal digits");
                if (!Rune.IsValid(code))
                    throw Error(backslash, $"invalid escape sequence '\\{e}{hex}': not a unicode character");
                value.Append(new Rune(code).ToString());
                _pos += 2 + digits;
                return;
            case '\n':
            case '\r':
                throw Error(_pos + 1, $"newline inside a quoted string (opened at {PositionOf(open)}); use \\n or a heredoc");
            default:
                var shown = char.IsHighSurrogate(e) && _pos + 2 < _text.Length ? _text.Substring(_pos + 1, 2) : e.ToString();
                throw Error(backslash, $"invalid escape sequence '\\{shown}' (valid: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN)");
        }
        _pos += 2;
    }

    /// <summary>
    /// <c>&lt;&lt;MARKER</c> or <c>&lt;&lt;-MARKER</c>, a newline, content lines, then MARKER alone on a line (spaces or tabs may
    /// surround it). Content keeps every line's newline, backslashes are not escapes, template sequences stay as written.
    /// With <c>&lt;&lt;-</c> the smallest indentation (spaces and tabs, one character each) of the lines that are not blank is
    /// removed from every line. The token ends before the newline that follows the closing marker.
    /// </summary>
    private HclToken ScanHeredoc()
    {
        var open = _pos;
        _pos += 2;
        var indented = At(0) == '-';
        if (indented) _pos++;
        if (_pos >= _text.Length || !Rune.TryGetRuneAt(_text, _pos, out var first) || !IsIdentifierStart(first))
            throw Error(_pos, "expected a heredoc marker right after '<<' (like <<EOF or <<-EOF)");
        var markerEnd = IdentifierEnd(_pos);
        var marker = _text[_pos..markerEnd];
        _pos = markerEnd;
        while (At(0) is ' ' or '\t' or '\r') _pos++;
        if (_pos >= _text.Length)
            throw UnterminatedHeredoc(open, marker);
        if (_text[_pos] != '\n')
            throw Error(_pos, $"heredoc marker '{marker}' must be followed by a newline");
        _pos++;

        var lines = new List<string>();
        while (true)
        {
            if (_pos >= _text.Length)
                throw UnterminatedHeredoc(open, marker);
            var lineEnd = _text.IndexOf('\n', _pos);
            if (lineEnd < 0) lineEnd = _text.Length;
            var line = _text[_pos..lineEnd];
            if (line.Trim(' ', '\t', '\r') == marker)
            {
                _pos = lineEnd;
                break;
            }
            lines.Add(line);
            _pos = Math.Min(lineEnd + 1, _text.Length);
        }

        var strip = indented ? CommonIndent(lines) : 0;
        var content = new StringBuilder();
        foreach (var line in lines)
        {
            var remove = 0;
            while (remove < strip && remove < line.Length && line[remove] is ' ' or '\t') remove++;
            content.Append(line, remove, line.Length - remove).Append('\n');
        }
        return new HclToken(HclTokenKind.Heredoc, open, _pos, content.ToString());
    }

    private static int CommonIndent(List<string> lines)
    {
        var min = int.MaxValue;
        foreach (var line in lines)
        {
            var indent = 0;
            while (indent < line.Length && line[indent] is ' ' or '\t') indent++;
            if (line.AsSpan(indent).Trim('\r').IsEmpty) continue; // blank lines do not decide the indentation
            min = Math.Min(min, indent);
        }
        return min == int.MaxValue ? 0 : min;
    }

    private VarTrackException UnterminatedHeredoc(int open, string marker) =>
        Error(_text.Length, $"unterminated heredoc, missing closing marker '{marker}' (opened at {PositionOf(open)})");
}

using System.Text;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Reads <c>.env</c> files the way the docker compose / python-dotenv / node dotenv family writes them.
/// <list type="bullet">
/// <item>One <c>KEY=value</c> per line; an optional <c>export </c> prefix; whitespace around <c>=</c>; blank lines and
/// <c>#</c> comment lines are skipped. <c>KEY=</c> is the empty string; a line without <c>=</c> is an error.</item>
/// <item>Keys match <c>[A-Za-z_][A-Za-z0-9_.-]*</c> and are literal: <c>db.host</c> is one entry, never nested.</item>
/// <item>Unquoted values are trimmed and end at the line end or at a <c>#</c> preceded by whitespace
/// (<c>a=b #c</c> is <c>b</c>, <c>a=b#c</c> is <c>b#c</c>).</item>
/// <item>Single quotes are literal (no escapes) and may span lines. Double quotes may span lines (real newlines are
/// kept) and decode <c>\n \r \t \\ \" \$</c>; any other backslash sequence is kept as written (<c>\q</c> stays
/// <c>\q</c>). After a closing quote only whitespace and an optional <c># comment</c> may follow.</item>
/// <item>Variable references such as <c>${X}</c> or <c>$X</c> are NOT expanded: VarTrack stores what is committed,
/// not what a shell would compute, so the value keeps the text as written.</item>
/// <item>Duplicate keys are errors naming both positions. Every value is <see cref="ScalarKind.String"/>.</item>
/// </list>
/// </summary>
public sealed class DotEnvFormatParser : IConfigFormatParser
{
    public ConfigFormat Format => ConfigFormat.DotEnv;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Reader(source).ReadDocument();
    }

    private sealed class Reader
    {
        private readonly SourceText _source;
        private readonly string _text;
        private int _pos;

        public Reader(SourceText source)
        {
            _source = source;
            _text = source.Text;
        }

        public ConfigMap ReadDocument()
        {
            var root = new ConfigMap.Builder(new SourcePosition(1, 1));
            while (true)
            {
                SkipBlanks();
                if (_pos >= _text.Length) break;
                switch (_text[_pos])
                {
                    case '\n':
                        _pos++;
                        break;
                    case '#':
                        SkipToLineEnd();
                        break;
                    default:
                        ReadBinding(root);
                        break;
                }
            }
            return root.Build();
        }

        private void ReadBinding(ConfigMap.Builder root)
        {
            SkipExportPrefix();

            var keyStart = _pos;
            while (_pos < _text.Length && !IsBlank(_text[_pos]) && _text[_pos] is not ('=' or '\n'))
                _pos++;
            var key = _text[keyStart.._pos];
            var keyPosition = PositionOf(keyStart);
            if (key.Length == 0)
                throw Error(keyPosition, "missing key before '='");
            if (!IsValidKey(key))
                throw Error(keyPosition,
                    $"invalid key '{key}' (a key starts with a letter or '_' and continues with letters, digits, '_', '.' or '-')");

            SkipBlanks();
            if (_pos >= _text.Length || _text[_pos] != '=')
                throw Error(PositionOf(_pos), $"expected '=' after key '{key}'");
            _pos++;
            SkipBlanks();

            var value = ReadValue(key);
            if (!root.TryAdd(new ConfigEntry(key, keyPosition, value), out var existing))
                throw Error(keyPosition, $"duplicate key '{key}' (first defined at {existing.KeyPosition})");
        }

        // "export KEY=..." drops the prefix, but "export=1" and "export = 1" define a key named export.
        private void SkipExportPrefix()
        {
            const string prefix = "export";
            if (!_text.AsSpan(_pos).StartsWith(prefix, StringComparison.Ordinal)) return;
            var p = _pos + prefix.Length;
            if (p >= _text.Length || _text[p] is not (' ' or '\t')) return;
            while (p < _text.Length && _text[p] is ' ' or '\t') p++;
            if (p < _text.Length && _text[p] is not ('=' or '\n' or '\r' or '#'))
                _pos = p;
        }

        private ConfigScalar ReadValue(string key)
        {
            var start = _pos;
            if (_pos >= _text.Length)
                return ConfigScalar.String("", PositionOf(start));
            return _text[_pos] switch
            {
                '\'' => ReadSingleQuoted(key),
                '"' => ReadDoubleQuoted(key),
                _ => ReadUnquoted(),
            };
        }

        private ConfigScalar ReadUnquoted()
        {
            var start = _pos;
            var end = _pos;
            while (end < _text.Length && _text[end] != '\n')
            {
                // Only a '#' after whitespace starts a comment, so "a=b#c" keeps "b#c". The character before the
                // value's first one is '=' or whitespace, so "KEY= # note" is an empty value with a comment.
                if (_text[end] == '#' && IsBlank(_text[end - 1])) break;
                end++;
            }
            var valueEnd = end;
            while (valueEnd > start && IsBlank(_text[valueEnd - 1])) valueEnd--;
            _pos = end;
            SkipToLineEnd();
            return ConfigScalar.String(_text[start..valueEnd], PositionOf(start));
        }

        private ConfigScalar ReadSingleQuoted(string key)
        {
            var open = _pos;
            var close = _text.IndexOf('\'', open + 1);
            if (close < 0)
                throw Unterminated("single", key, open);
            _pos = close + 1;
            ExpectLineEndAfterQuote(key);
            return ConfigScalar.String(_text[(open + 1)..close], PositionOf(open));
        }

        private ConfigScalar ReadDoubleQuoted(string key)
        {
            var open = _pos;
            var value = new StringBuilder();
            _pos++;
            while (true)
            {
                if (_pos >= _text.Length)
                    throw Unterminated("double", key, open);
                var c = _text[_pos];
                if (c == '"')
                {
                    _pos++;
                    break;
                }
                if (c != '\\')
                {
                    value.Append(c);
                    _pos++;
                    continue;
                }
                if (_pos + 1 >= _text.Length)
                    throw Unterminated("double", key, open);
                var next = _text[_pos + 1];
                switch (next)
                {
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case '\\': value.Append('\\'); break;
                    case '"': value.Append('"'); break;
                    case '$': value.Append('$'); break;
                    default: value.Append('\\').Append(next); break;
                }
                _pos += 2;
            }
            ExpectLineEndAfterQuote(key);
            return ConfigScalar.String(value.ToString(), PositionOf(open));
        }

        private void ExpectLineEndAfterQuote(string key)
        {
            SkipBlanks();
            if (_pos >= _text.Length || _text[_pos] == '\n') return;
            if (_text[_pos] == '#')
            {
                SkipToLineEnd();
                return;
            }
            throw Error(PositionOf(_pos),
                $"unexpected text after the closing quote of key '{key}' (only whitespace or a '# comment' may follow)");
        }

        private VarTrackException Unterminated(string quote, string key, int open) =>
            Error(PositionOf(open), $"unterminated {quote}-quoted value of key '{key}' (opened at {PositionOf(open)})");

        private void SkipBlanks()
        {
            while (_pos < _text.Length && IsBlank(_text[_pos])) _pos++;
        }

        private void SkipToLineEnd()
        {
            var nl = _text.IndexOf('\n', _pos);
            _pos = nl < 0 ? _text.Length : nl;
        }

        // '\r' counts as whitespace so CRLF files read like LF files outside quotes.
        private static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\f' or '\v';

        private static bool IsValidKey(string key)
        {
            if (!(char.IsAsciiLetter(key[0]) || key[0] == '_')) return false;
            foreach (var c in key.AsSpan(1))
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
                    return false;
            return true;
        }

        private SourcePosition PositionOf(int offset) => _source.Lines.PositionOf(offset);

        private VarTrackException Error(SourcePosition position, string message) =>
            new(Problem.At(_source.Path, position, message));
    }
}

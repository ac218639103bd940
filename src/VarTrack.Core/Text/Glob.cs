using System.Text;
using System.Text.RegularExpressions;

namespace VarTrack.Core.Text;

/// <summary>
/// A glob over segmented names: file paths and repositories (separator <c>/</c>) or flat keys (separator <c>.</c>).
/// <c>*</c> and <c>?</c> stay inside one segment, <c>**</c> spans segments (<c>a/**/b</c> also matches <c>a/b</c>),
/// <c>[abc]</c>, <c>[!a-z]</c> and <c>{x,y}</c> work as in shells, <c>\</c> escapes. So with separator <c>.</c>,
/// <c>SYSTEM_*</c> matches <c>SYSTEM_X</c> but not <c>SYSTEM.X.y</c>; <c>SYSTEM.**</c> does.
/// Matching uses the non-backtracking regex engine: protection globs run against every key of a destination, so a
/// pattern like <c>*a*a*a*b</c> must not take exponential time on a long key.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;

    private Glob(string pattern, char separator, Regex regex)
    {
        Pattern = pattern;
        Separator = separator;
        _regex = regex;
    }

    public string Pattern { get; }

    public char Separator { get; }

    public bool IsMatch(string value) => _regex.IsMatch(value);

    public override string ToString() => Pattern;

    /// <summary>Compiles a pattern; a malformed one throws <see cref="FormatException"/> saying what is wrong and at which character.</summary>
    public static Glob Parse(string pattern, char separator = '/')
    {
        if (pattern.Length == 0) throw new FormatException("a glob cannot be empty");
        var regex = new StringBuilder("^");
        Translate(pattern, 0, pattern.Length, separator, regex, inBraces: false);
        regex.Append('$');
        return new Glob(pattern, separator, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking));
    }

    public static bool TryParse(string pattern, char separator, out Glob? glob, out string? error)
    {
        try
        {
            glob = Parse(pattern, separator);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            glob = null;
            error = ex.Message;
            return false;
        }
    }

    private static void Translate(string p, int start, int end, char sep, StringBuilder rx, bool inBraces)
    {
        var notSep = "[^" + Regex.Escape(sep.ToString()) + "]";
        var sepRx = Regex.Escape(sep.ToString());
        for (var i = start; i < end; i++)
        {
            var c = p[i];
            switch (c)
            {
                case '*' when i + 1 < end && p[i + 1] == '*':
                    var atSegmentStart = i == start || p[i - 1] == sep;
                    i++;
                    if (atSegmentStart && i + 1 < end && p[i + 1] == sep)
                    {
                        rx.Append("(?:.*").Append(sepRx).Append(")?"); // "**/" matches zero or more whole segments
                        i++;
                    }
                    else if (atSegmentStart && i > start + 1 && i + 1 == end)
                    {
                        rx.Length -= sepRx.Length; // "a/**" also matches "a" itself
                        rx.Append("(?:").Append(sepRx).Append(".*)?");
                    }
                    else
                        rx.Append(".*");
                    break;
                case '*':
                    rx.Append(notSep).Append('*');
                    break;
                case '?':
                    rx.Append(notSep);
                    break;
                case '[':
                    i = TranslateClass(p, i, end, sep, rx);
                    break;
                case '{':
                    i = TranslateBraces(p, i, end, sep, rx);
                    break;
                case '}':
                    throw new FormatException($"unmatched '}}' at character {i + 1}");
                case ',' when inBraces:
                    rx.Append('|');
                    break;
                case '\\':
                    if (i + 1 >= end) throw new FormatException($"trailing '\\' at character {i + 1} escapes nothing");
                    rx.Append(Regex.Escape(p[++i].ToString()));
                    break;
                default:
                    rx.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }

    /// <summary>A class matches one character inside a segment: a negated class never matches the separator (as in shells).</summary>
    private static int TranslateClass(string p, int open, int end, char sep, StringBuilder rx)
    {
        var i = open + 1;
        var negate = i < end && p[i] is '!' or '^';
        if (negate) i++;
        var body = new StringBuilder();
        var first = true;
        for (; i < end && (p[i] != ']' || first); i++)
        {
            first = false;
            if (p[i] == '\\' && i + 1 < end) i++;
            body.Append(p[i] is '\\' or '^' or '[' or ']' ? "\\" + p[i] : p[i].ToString());
        }
        if (i >= end) throw new FormatException($"unclosed '[' at character {open + 1}");
        if (negate) body.Append(sep is '\\' or '^' or '[' or ']' or '-' ? "\\" + sep : sep.ToString());
        rx.Append(negate ? "[^" : "[").Append(body).Append(']');
        return i;
    }

    private static int TranslateBraces(string p, int open, int end, char sep, StringBuilder rx)
    {
        var depth = 0;
        for (var i = open; i < end; i++)
        {
            if (p[i] == '\\') { i++; continue; }
            if (p[i] == '{') depth++;
            else if (p[i] == '}' && --depth == 0)
            {
                rx.Append("(?:");
                Translate(p, open + 1, i, sep, rx, inBraces: true);
                rx.Append(')');
                return i;
            }
        }
        throw new FormatException($"unclosed '{{' at character {open + 1}");
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace VarTrack.Core.Replication;

/// <summary>
/// One rename rule: a regular expression matched against the whole origin path (<c>secret/stage/app1</c>; every rule
/// is anchored at both ends, so it matches all of the path or nothing, whether or not it starts with ^ and ends with $) and the
/// destination path it gives, where <c>${name}</c> is the text of a named (or numbered) group and <c>$$</c> is a '$'.
/// Checked when it is created, so an invalid expression or a <c>${x}</c> naming a group the expression does not have
/// is a config error, never a per-path failure.
/// </summary>
public sealed class PathTransform
{
    /// <summary>Long enough for any sane path rule; stops a catastrophic expression from hanging a cycle.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex _regex;
    private readonly IReadOnlyList<(string? Literal, string? Group)> _parts;

    private PathTransform(string match, string to, Regex regex, IReadOnlyList<(string?, string?)> parts)
    {
        Match = match;
        To = to;
        _regex = regex;
        _parts = parts;
    }

    public string Match { get; }

    public string To { get; }

    /// <summary>True when <see cref="To"/> uses a group (<c>${name}</c>); false for a fixed destination path.</summary>
    public bool HasGroups => _parts.Any(p => p.Group is not null);

    /// <summary>
    /// The fixed start of every destination path this rule gives: <see cref="To"/> up to its first group (<c>$$</c>
    /// read as '$'), or all of it when it has none. The access check probes permissions there.
    /// </summary>
    public string LiteralPrefix => _parts.Count > 0 && _parts[0].Literal is { } literal ? literal : "";

    public static bool TryCreate(string match, string to, out PathTransform? transform, out string? error)
    {
        transform = null;
        Regex regex;
        try
        {
            // Anchored: a rule matches the whole origin path or not at all. Unanchored, 'secret/stage/(?<app>[^/]+)'
            // would match inside 'secret/stage/a/b' and the rest of the path would silently be dropped.
            // Parsed as written first, so an error names offsets in what the author wrote.
            _ = new Regex(match, RegexOptions.CultureInvariant, MatchTimeout);
            regex = new Regex($"\\A(?:{match})\\z", RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = $"'match' is not a valid regular expression: {ex.Message}";
            return false;
        }

        var groups = regex.GetGroupNames().ToHashSet(StringComparer.Ordinal);
        var parts = new List<(string?, string?)>();
        var literal = new StringBuilder();
        for (var i = 0; i < to.Length; i++)
        {
            if (to[i] != '$' || i + 1 >= to.Length || to[i + 1] is not ('{' or '$'))
            {
                literal.Append(to[i]);
                continue;
            }
            if (to[i + 1] == '$')
            {
                literal.Append('$');
                i++;
                continue;
            }
            var close = to.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = $"'to' has an unclosed '${{' at character {i + 1}; write ${{name}}, or $$ for a '$'";
                return false;
            }
            var name = to[(i + 2)..close];
            if (!groups.Contains(name))
            {
                var named = groups.Where(g => !g.All(char.IsAsciiDigit)).Order(StringComparer.Ordinal).ToList();
                error = $"'to' uses ${{{name}}}, but 'match' has no group named '{name}'" +
                        (named.Count > 0 ? $" (its named groups: {string.Join(", ", named)})" : " (it has no named groups)");
                return false;
            }
            if (literal.Length > 0)
            {
                parts.Add((literal.ToString(), null));
                literal.Clear();
            }
            parts.Add((null, name));
            i = close;
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), null));
        transform = new PathTransform(match, to, regex, parts);
        error = null;
        return true;
    }

    /// <summary>The destination path for <paramref name="path"/>, or null when the rule does not match it.</summary>
    public string? Apply(string path)
    {
        var found = _regex.Match(path);
        if (!found.Success) return null;
        var result = new StringBuilder();
        foreach (var (literal, group) in _parts)
            result.Append(literal ?? found.Groups[group!].Value);
        return result.ToString();
    }

    public override string ToString() => $"{Match} -> {To}";
}

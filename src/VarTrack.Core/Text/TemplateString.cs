using System.Text;

namespace VarTrack.Core.Text;

/// <summary>
/// A string with <c>{placeholder}</c>s such as destinations (<c>config:{tenant}:{env}</c>) and injected variables
/// (<c>APP_ENV: "{env}"</c>). Placeholders are checked when the config loads: an unknown one is a config error,
/// not an empty string at write time. <c>{{</c> and <c>}}</c> are literal braces.
/// </summary>
public sealed class TemplateString
{
    /// <summary>The placeholders every template may use.</summary>
    public static readonly IReadOnlySet<string> KnownPlaceholders =
        new HashSet<string>(["tenant", "env", "rule", "branch", "file", "repository"], StringComparer.Ordinal);

    private readonly IReadOnlyList<(string Text, bool IsPlaceholder)> _parts;

    private TemplateString(string template, IReadOnlyList<(string, bool)> parts)
    {
        Template = template;
        _parts = parts;
    }

    public string Template { get; }

    public bool HasPlaceholders => _parts.Any(p => p.IsPlaceholder);

    public IEnumerable<string> Placeholders => _parts.Where(p => p.IsPlaceholder).Select(p => p.Text);

    public override string ToString() => Template;

    /// <summary>Parses a template; throws <see cref="FormatException"/> for an unknown placeholder or an unbalanced brace.</summary>
    public static TemplateString Parse(string template)
    {
        var parts = new List<(string, bool)>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }
            if (c == '}') throw new FormatException($"unmatched '}}' at character {i + 1} (write '}}}}' for a literal brace)");
            if (c != '{')
            {
                literal.Append(c);
                continue;
            }
            var close = template.IndexOf('}', i + 1);
            if (close < 0) throw new FormatException($"unclosed '{{' at character {i + 1} (write '{{{{' for a literal brace)");
            var name = template[(i + 1)..close];
            if (!KnownPlaceholders.Contains(name))
                throw new FormatException($"unknown placeholder '{{{name}}}'; known: {string.Join(", ", KnownPlaceholders.Select(k => "{" + k + "}"))}");
            if (literal.Length > 0)
            {
                parts.Add((literal.ToString(), false));
                literal.Clear();
            }
            parts.Add((name, true));
            i = close;
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), false));
        return new TemplateString(template, parts);
    }

    /// <summary>Fills the placeholders; a placeholder with no value (e.g. {branch} for a tag) renders as an empty string.</summary>
    public string Render(IReadOnlyDictionary<string, string?> values)
    {
        var sb = new StringBuilder();
        foreach (var (text, isPlaceholder) in _parts)
            sb.Append(isPlaceholder ? values.GetValueOrDefault(text) ?? "" : text);
        return sb.ToString();
    }
}

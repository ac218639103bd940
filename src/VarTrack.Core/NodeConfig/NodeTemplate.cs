using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The template language of the template materializer, deliberately tiny (a subset of Handlebars' syntax):
/// <list type="bullet">
/// <item><c>{{ self.identifier }}</c>, <c>{{ self.address }}</c>, <c>{{ self.metadata.KEY }}</c> (nested keys with
/// more dots; <c>self.metadata</c> alone is the whole metadata as compact JSON): the node the file is for (in shared
/// files, <c>self</c> is not available).</item>
/// <item><c>{{#each nodes}} ... {{/each}}</c> repeats its body once per node (ordered by identifier, or in the order of
/// <c>identifiers:</c>); inside, <c>{{ identifier }}</c>, <c>{{ address }}</c>, <c>{{ metadata.KEY }}</c> and
/// <c>{{ @index }}</c> (0-based). <c>{{#each nodes separator=", "}}</c> puts the text between repetitions.
/// Blocks do not nest.</item>
/// <item><c>\{{</c> is a literal <c>{{</c>. A block tag alone on its line removes that line, so blocks do not leave
/// blank lines.</item>
/// </list>
/// Values are written as they are: strings unquoted, numbers and booleans as JSON wrote them, null as nothing,
/// objects and lists as compact JSON. Nothing is escaped: these are config files, not HTML. An unknown name, a
/// malformed or unclosed tag is an error naming the template's file:line:column when it is parsed; metadata a node
/// does not have is an error naming the node, at render.
/// </summary>
public sealed partial class NodeTemplate
{
    private readonly string _file;
    private readonly IReadOnlyList<Part> _parts;

    private NodeTemplate(string file, IReadOnlyList<Part> parts, bool usesSelf)
    {
        _file = file;
        _parts = parts;
        UsesSelf = usesSelf;
    }

    /// <summary>True when the template refers to <c>self</c> (so it can only be a node file).</summary>
    public bool UsesSelf { get; }

    /// <param name="file">How errors name the template (a path, or repository@commit:path).</param>
    /// <param name="allowSelf">False for shared files: there is no single node to be <c>self</c>.</param>
    public static NodeTemplate Parse(string text, string file, bool allowSelf = true)
    {
        var tokens = Tokenize(text, file);
        StripStandaloneLines(tokens);
        var root = new List<Part>();
        List<Part>? block = null;
        EachPart? open = null;
        var usesSelf = false;
        foreach (var token in tokens)
        {
            var target = block ?? root;
            switch (token)
            {
                case TextToken t:
                    if (t.Text.Length > 0) target.Add(new TextPart(t.Text));
                    break;
                case TagToken { Content: var content } tag when content.StartsWith('#'):
                    var each = EachTag().Match(content);
                    if (!each.Success)
                        throw Error(file, tag.Position, $"unknown block '{{{{{content}}}}}'; the only block is {{{{#each nodes}}}} (optionally with separator=\"...\")");
                    if (open is not null)
                        throw Error(file, tag.Position, $"{{{{#each}}}} cannot be nested (the block opened at {open.Position.Line}:{open.Position.Column} is still open)");
                    open = new EachPart(tag.Position, each.Groups["sep"].Success ? each.Groups["sep"].Value : "", []);
                    block = [];
                    break;
                case TagToken { Content: var content } tag when content.StartsWith('/'):
                    if (content != "/each") throw Error(file, tag.Position, $"unknown closing tag '{{{{{content}}}}}'; expected {{{{/each}}}}");
                    if (open is null) throw Error(file, tag.Position, "{{/each}} without an open {{#each nodes}}");
                    root.Add(open with { Body = block! });
                    open = null;
                    block = null;
                    break;
                case TagToken tag:
                    var value = ParseName(tag, file, inEach: open is not null, allowSelf);
                    usesSelf |= value.Scope == Scope.Self;
                    target.Add(value);
                    break;
            }
        }
        if (open is not null) throw Error(file, open.Position, "{{#each nodes}} is never closed with {{/each}}");
        return new NodeTemplate(file, root, usesSelf);
    }

    /// <summary>Renders for <paramref name="self"/> (null for shared files) with the deployment's <paramref name="nodes"/>.</summary>
    public string Render(NodeRegistration? self, IReadOnlyList<NodeRegistration> nodes)
    {
        var output = new StringBuilder();
        foreach (var part in _parts)
        {
            switch (part)
            {
                case TextPart text:
                    output.Append(text.Text);
                    break;
                case ValuePart value:
                    output.Append(Value(value, self, null, 0));
                    break;
                case EachPart each:
                    for (var i = 0; i < nodes.Count; i++)
                    {
                        if (i > 0) output.Append(each.Separator);
                        foreach (var inner in each.Body)
                            output.Append(inner is TextPart t ? t.Text : Value((ValuePart)inner, self, nodes[i], i));
                    }
                    break;
            }
        }
        return output.ToString();
    }

    private string Value(ValuePart value, NodeRegistration? self, NodeRegistration? item, int index)
    {
        if (value.Scope == Scope.Index) return index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = value.Scope == Scope.Self ? self! : item!;
        switch (value.Field)
        {
            case "identifier":
                return node.Identifier;
            case "address":
                return node.Address;
        }
        var element = node.Metadata;
        foreach (var key in value.MetadataPath)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out var child))
                throw Error(_file, value.Position, $"node '{node.Identifier}' has no metadata '{string.Join('.', value.MetadataPath)}' (used as '{value.Name}')");
            element = child;
        }
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(element),
            _ => element.GetRawText(),
        };
    }

    private static ValuePart ParseName(TagToken tag, string file, bool inEach, bool allowSelf)
    {
        var name = tag.Content;
        var known = Known(inEach, allowSelf);
        if (name.Length == 0) throw Error(file, tag.Position, $"empty tag '{{{{}}}}'; known names: {known}");
        if (name == "@index" && inEach) return new ValuePart(tag.Position, name, Scope.Index, "", []);
        if (!NameShape().IsMatch(name)) throw Error(file, tag.Position, $"unknown name '{name}'; known names: {known}");
        var segments = name.Split('.');
        var scope = Scope.Item;
        if (segments[0] == "self")
        {
            if (!allowSelf) throw Error(file, tag.Position, $"'{name}' is not available in a shared file (there is no single node to be self); known names: {known}");
            scope = Scope.Self;
            segments = segments[1..];
        }
        else if (!inEach)
        {
            var hint = segments[0] is "identifier" or "address" or "metadata" ? $" (outside {{{{#each nodes}}}} write 'self.{name}')" : "";
            throw Error(file, tag.Position, $"unknown name '{name}'{hint}; known names: {known}");
        }
        if (segments.Length == 1 && segments[0] is "identifier" or "address") return new ValuePart(tag.Position, name, scope, segments[0], []);
        if (segments.Length >= 1 && segments[0] == "metadata") return new ValuePart(tag.Position, name, scope, "metadata", segments[1..]);
        throw Error(file, tag.Position, $"unknown name '{name}'; known names: {known}");
    }

    private static string Known(bool inEach, bool allowSelf)
    {
        var names = new List<string>();
        if (allowSelf) names.AddRange(["self.identifier", "self.address", "self.metadata.KEY"]);
        names.Add(inEach ? "identifier, address, metadata.KEY, @index" : "{{#each nodes}}");
        return string.Join(", ", names);
    }

    private static List<Token> Tokenize(string text, string file)
    {
        var tokens = new List<Token>();
        var literal = new StringBuilder();
        var lines = new LineIndex(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 2 < text.Length && string.CompareOrdinal(text, i + 1, "{{", 0, 2) == 0)
            {
                literal.Append("{{");
                i += 2;
                continue;
            }
            if (text[i] != '{' || i + 1 >= text.Length || text[i + 1] != '{')
            {
                literal.Append(text[i]);
                continue;
            }
            var position = lines.PositionOf(i);
            var close = text.IndexOf("}}", i + 2, StringComparison.Ordinal);
            var newline = text.IndexOf('\n', i + 2);
            if (close < 0 || (newline >= 0 && newline < close))
                throw Error(file, position, "'{{' is not closed with '}}' on the same line (write \\{{ for a literal '{{')");
            tokens.Add(new TextToken(literal.ToString()));
            literal.Clear();
            tokens.Add(new TagToken(text[(i + 2)..close].Trim(), position));
            i = close + 1;
        }
        tokens.Add(new TextToken(literal.ToString()));
        return tokens;
    }

    /// <summary>Removes the line of every block tag that stands alone on it, decided on the original text first (like Handlebars).</summary>
    private static void StripStandaloneLines(List<Token> tokens)
    {
        // Tokens alternate text, tag, text, ..., text (text may be empty).
        var trimStart = new int[tokens.Count];
        var trimEnd = new int[tokens.Count];
        for (var i = 1; i < tokens.Count - 1; i += 2)
        {
            var tag = (TagToken)tokens[i];
            if (!tag.Content.StartsWith('#') && !tag.Content.StartsWith('/')) continue;
            var before = ((TextToken)tokens[i - 1]).Text;
            var after = ((TextToken)tokens[i + 1]).Text;
            var lineStart = before.LastIndexOf('\n');
            if (lineStart < 0 && i - 1 != 0) continue;
            var lead = before[(lineStart + 1)..];
            if (lead.Any(c => c is not (' ' or '\t'))) continue;
            var lineEnd = after.IndexOf('\n');
            if (lineEnd < 0 && i + 1 != tokens.Count - 1) continue;
            var trail = lineEnd < 0 ? after : after[..lineEnd];
            if (trail.Any(c => c is not (' ' or '\t' or '\r'))) continue;
            trimEnd[i - 1] = lead.Length;
            trimStart[i + 1] = lineEnd < 0 ? after.Length : lineEnd + 1;
        }
        for (var i = 0; i < tokens.Count; i += 2)
        {
            var text = ((TextToken)tokens[i]).Text;
            var start = Math.Min(trimStart[i], text.Length);
            var end = Math.Max(start, text.Length - trimEnd[i]);
            tokens[i] = new TextToken(text[start..end]);
        }
    }

    private static VarTrackException Error(string file, SourcePosition position, string message) => new(Problem.At(file, position, message));

    [GeneratedRegex("""^#each\s+nodes(?:\s+separator\s*=\s*"(?<sep>[^"]*)")?$""")]
    private static partial Regex EachTag();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex NameShape();

    private enum Scope
    {
        Self,
        Item,
        Index,
    }

    private abstract record Token;

    private sealed record TextToken(string Text) : Token;

    private sealed record TagToken(string Content, SourcePosition Position) : Token;

    private abstract record Part;

    private sealed record TextPart(string Text) : Part;

    private sealed record ValuePart(SourcePosition Position, string Name, Scope Scope, string Field, string[] MetadataPath) : Part;

    private sealed record EachPart(SourcePosition Position, string Separator, IReadOnlyList<Part> Body) : Part;
}

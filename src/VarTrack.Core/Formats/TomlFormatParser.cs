using System.Text;
using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// TOML 1.0 through Tomlyn's full-fidelity syntax tree, whose tokens keep the author's text (<c>1_000</c>, <c>0x1F</c>,
/// <c>1.50</c>, <c>inf</c>, dates as written). Tomlyn checks the syntax and the literals; the table rules
/// (duplicate keys, tables defined twice, a key used both as a value and as a table, dotted keys reopening a
/// [table]) are checked here while the tree is built, so the messages name both positions and never quote a value.
/// </summary>
public sealed partial class TomlFormatParser : IConfigFormatParser
{
    /// <summary>Arrays and inline tables nested deeper than this are refused, as in <see cref="JsonFormatParser"/>.</summary>
    public const int MaxNestingDepth = JsonFormatParser.MaxNestingDepth;

    // Tomlyn counts nested arrays and inline tables and accepts fewer than MaxDepth of them.
    private static readonly TomlSerializerOptions SyntaxOptions = new() { MaxDepth = MaxNestingDepth + 1 };

    public ConfigFormat Format => ConfigFormat.Toml;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var document = ParseSyntax(source);
        if (document.HasErrors)
            throw FromDiagnostics(source, document);
        return new DocumentBuilder(source).Build(document);
    }

    private static DocumentSyntax ParseSyntax(SourceText source)
    {
        try
        {
            // validate: false because the table rules are enforced by DocumentBuilder with better messages.
            return SyntaxParser.Parse(source.Text, SyntaxOptions, source.Path, validate: false);
        }
        catch (TomlException e)
        {
            throw Translate(source, e);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Tomlyn 2.10.2 throws while describing an escape cut off by the end of the file ("a = \"\u00").
            // With a newline after it the same mistake becomes an ordinary diagnostic at the same offsets.
        }
        try
        {
            return SyntaxParser.Parse(source.Text + "\n", SyntaxOptions, source.Path, validate: false);
        }
        catch (TomlException e)
        {
            throw Translate(source, e);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Fail(source, PositionOf(source, source.Text.Length), "unterminated escape sequence at end of file");
        }
    }

    private static VarTrackException FromDiagnostics(SourceText source, DocumentSyntax document)
    {
        // Tomlyn does not list diagnostics in source order (a follow-up error at the end of the file can come
        // before its cause), and the earliest one is the cause.
        DiagnosticMessage? first = null;
        foreach (var diagnostic in document.Diagnostics)
            if (diagnostic.Kind == DiagnosticMessageKind.Error && (first is null || diagnostic.Span.Start.Offset < first.Span.Start.Offset))
                first = diagnostic;
        if (first is null)
            return Fail(source, PositionOf(source, 0), "invalid TOML");
        var offset = first.Span.Start.Offset;
        var position = PositionOf(source, offset);
        if (UnterminatedStringAt(document, offset) is { } opened)
            return Fail(source, position, $"unterminated string (opened at {PositionOf(source, opened.Span.Start.Offset)})");
        return Fail(source, position, CleanMessage(first.Message, source.Text, offset));
    }

    private static VarTrackException Translate(SourceText source, TomlException e)
    {
        if (e.Offset is int offset)
            return Fail(source, PositionOf(source, offset), CleanMessage(e.Message, source.Text, offset));
        if (e.Message.Contains("maximum depth", StringComparison.OrdinalIgnoreCase))
        {
            // Tomlyn gives no position for this one; find the bracket that goes too deep ourselves.
            var deep = NestingScanner.FindTooDeep(source.Text, MaxNestingDepth);
            return Fail(source, PositionOf(source, deep ?? 0), $"nesting deeper than {MaxNestingDepth}");
        }
        return Fail(source, PositionOf(source, 0), CleanMessage(e.Message, source.Text, 0));
    }

    /// <summary>
    /// Tomlyn reports an unclosed string as a stray newline or end of file; the string token it was lexing is still in
    /// the tree and tells where the string was opened, which is what the author needs.
    /// </summary>
    private static SyntaxToken? UnterminatedStringAt(SyntaxNode root, int offset)
    {
        var pending = new Stack<SyntaxNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is SyntaxToken token)
            {
                if (token.Span.Start.Offset <= offset && offset <= Math.Max(token.Span.End.Offset, token.Span.Start.Offset) + 1
                    && IsUnterminatedString(token))
                    return token;
                continue;
            }
            for (var i = node.ChildrenCount - 1; i >= 0; i--)
                if (node.GetChild(i) is { } child)
                    pending.Push(child);
        }
        return null;
    }

    private static bool IsUnterminatedString(SyntaxToken token)
    {
        var text = token.Text ?? "";
        return token.TokenKind switch
        {
            TokenKind.String => text.Length < 2 || text.Contains('\n') || !text.EndsWith('"') || EndsEscaped(text),
            TokenKind.StringLiteral => text.Length < 2 || text.Contains('\n') || !text.EndsWith('\''),
            TokenKind.StringMulti => text.Length < 6 || !text.EndsWith("\"\"\"", StringComparison.Ordinal),
            TokenKind.StringLiteralMulti => text.Length < 6 || !text.EndsWith("'''", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>True when the closing quote of a basic string is escaped (an odd run of backslashes before it).</summary>
    private static bool EndsEscaped(string text)
    {
        var backslashes = 0;
        for (var i = text.Length - 2; i > 0 && text[i] == '\\'; i--)
            backslashes++;
        return backslashes % 2 == 1;
    }

    private static SourcePosition PositionOf(SourceText source, int offset) =>
        source.Lines.PositionOf(Math.Clamp(offset, 0, source.Text.Length));

    private static VarTrackException Fail(SourceText source, SourcePosition position, string message) =>
        new(Problem.At(source.Path, position, message));

    /// <summary>
    /// Keeps what Tomlyn says is wrong, as one lowercase-led line without library advice. Tomlyn quotes the offending
    /// source text; when that is more than a few characters it may be a value (even a secret typed without quotes),
    /// so it is elided: the position already points at it.
    /// </summary>
    private static string CleanMessage(string message, string text, int offset)
    {
        var advice = message.IndexOf(" Change TomlSerializerOptions", StringComparison.Ordinal);
        if (advice >= 0)
            message = message[..advice];
        // "expecting `=` after a key instead of <the rest of the line or file>"
        const string insteadOf = " instead of ";
        var tail = message.IndexOf(insteadOf, StringComparison.Ordinal);
        if (tail >= 0 && message.Length - tail - insteadOf.Length > 5 && message[tail + insteadOf.Length] != '`')
            message = message[..tail];
        message = QuotedFragment().Replace(message, m =>
        {
            var inner = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return inner.Length <= 4 || !EchoesSource(inner, text, offset) ? m.Value : $"{m.Value[0]}…{m.Value[^1]}";
        });
        message = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        if (message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1]))
            message = char.ToLowerInvariant(message[0]) + message[1..];
        return message.Length == 0 ? "invalid TOML" : message;
    }

    [GeneratedRegex(@"`([^`]*)`|\[([^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedFragment();

    /// <summary>True when a quoted fragment of a message is source text (Tomlyn's own words, like `newline`, are not).</summary>
    private static bool EchoesSource(string fragment, string text, int offset)
    {
        if (fragment.Contains('␤') || fragment.Contains('\n') || fragment[0] is '"' or '\'')
            return true;
        const int window = 256;
        var start = Math.Clamp(offset - window, 0, text.Length);
        var end = Math.Clamp(offset + fragment.Length + window, start, text.Length);
        var probe = fragment.Length > 16 ? fragment[..16] : fragment;
        return text.AsSpan(start, end - start).Contains(probe, StringComparison.Ordinal);
    }

    /// <summary>
    /// Builds the tree while applying TOML's table rules. Tables stay mutable until the end because TOML lets a
    /// [header] add sub-tables to a table declared earlier; values (scalars, arrays, inline tables) are final at once.
    /// </summary>
    private sealed class DocumentBuilder
    {
        private readonly SourceText _source;

        public DocumentBuilder(SourceText source) => _source = source;

        public ConfigMap Build(DocumentSyntax document)
        {
            var root = new Table("", new SourcePosition(1, 1), TableOrigin.Header);
            foreach (var keyValue in document.KeyValues)
                AddKeyValue(root, keyValue);
            foreach (var header in document.Tables)
            {
                var table = header is TableArraySyntax ? OpenTableArrayElement(root, header) : OpenTable(root, header);
                foreach (var keyValue in header.Items)
                    AddKeyValue(table, keyValue);
            }
            return root.ToMap();
        }

        private Table OpenTable(Table root, TableSyntaxBase header)
        {
            var segments = Segments(Required(header.Name));
            var parent = WalkHeader(root, segments);
            var (name, namePosition) = segments[^1];
            var headerPosition = PositionOf(header);
            if (!parent.TryGet(name, out var slot))
            {
                var table = new Table(parent.PathOf(name), headerPosition, TableOrigin.Header);
                parent.Add(new Slot(name, namePosition, table));
                return table;
            }
            if (slot.Content is Table { Origin: TableOrigin.Implicit } implicitTable)
            {
                // [a.b] earlier created a implicitly; [a] may now define it, once.
                implicitTable.Origin = TableOrigin.Header;
                implicitTable.Position = headerPosition;
                slot.KeyPosition = namePosition;
                return implicitTable;
            }
            var path = parent.PathOf(name);
            throw slot.Content switch
            {
                Table { Origin: TableOrigin.Dotted } => Fail(namePosition, $"table '{path}' was already defined with dotted keys at {slot.KeyPosition}"),
                Table => Fail(namePosition, $"table '{path}' is already defined (first defined at {slot.KeyPosition})"),
                TableArray => Fail(namePosition, $"key '{path}' is already an array of tables (first defined at {slot.KeyPosition}), it cannot also be a table"),
                _ => Fail(namePosition, $"key '{path}' is already a value (defined at {slot.KeyPosition}), it cannot also be a table"),
            };
        }

        private Table OpenTableArrayElement(Table root, TableSyntaxBase header)
        {
            var segments = Segments(Required(header.Name));
            var parent = WalkHeader(root, segments);
            var (name, namePosition) = segments[^1];
            var path = parent.PathOf(name);
            var element = new Table(path, PositionOf(header), TableOrigin.Header);
            if (!parent.TryGet(name, out var slot))
            {
                parent.Add(new Slot(name, namePosition, new TableArray(element.Position, [element])));
                return element;
            }
            if (slot.Content is TableArray array)
            {
                array.Items.Add(element);
                return element;
            }
            throw slot.Content is Table
                ? Fail(namePosition, $"key '{path}' is already a table (defined at {slot.KeyPosition}), it cannot also be an array of tables")
                : Fail(namePosition, $"key '{path}' is already a value (defined at {slot.KeyPosition}), it cannot also be an array of tables");
        }

        /// <summary>Follows a header's key up to its last segment, creating implicit tables on the way.</summary>
        private Table WalkHeader(Table root, IReadOnlyList<(string Name, SourcePosition Position)> segments)
        {
            var table = root;
            for (var i = 0; i < segments.Count - 1; i++)
            {
                var (name, position) = segments[i];
                if (!table.TryGet(name, out var slot))
                {
                    var created = new Table(table.PathOf(name), position, TableOrigin.Implicit);
                    table.Add(new Slot(name, position, created));
                    table = created;
                    continue;
                }
                table = slot.Content switch
                {
                    Table existing => existing,
                    // [a.b] after [[a]] extends the last element of the array of tables.
                    TableArray array => array.Items[^1],
                    _ => throw Fail(position, $"key '{table.PathOf(name)}' is already a value (defined at {slot.KeyPosition}), it cannot also be a table"),
                };
            }
            return table;
        }

        private void AddKeyValue(Table table, KeyValueSyntax keyValue)
        {
            var segments = Segments(Required(keyValue.Key));
            for (var i = 0; i < segments.Count - 1; i++)
                table = WalkDotted(table, segments[i]);
            var (name, position) = segments[^1];
            if (table.TryGet(name, out var first))
                throw Fail(position, $"duplicate key '{table.PathOf(name)}' (first defined at {first.KeyPosition})");
            table.Add(new Slot(name, position, ToNode(Required(keyValue.Value), depth: 0)));
        }

        /// <summary>
        /// One step of a dotted key (<c>a.b.c = 1</c>). It may create a table or continue one made by dotted keys in the
        /// same scope, but not reopen a [table], an array of tables or an inline table (TOML 1.0 "Table";
        /// toml-lang/toml#846).
        /// </summary>
        private Table WalkDotted(Table table, (string Name, SourcePosition Position) segment)
        {
            var (name, position) = segment;
            var path = table.PathOf(name);
            if (!table.TryGet(name, out var slot))
            {
                var created = new Table(path, position, TableOrigin.Dotted);
                table.Add(new Slot(name, position, created));
                return created;
            }
            return slot.Content switch
            {
                Table { Origin: TableOrigin.Dotted } dotted => dotted,
                // A table only implied by a deeper header ([a.b.c] implies a.b) has not been defined yet, so dotted
                // keys may define it; from then on it counts as defined by dotted keys.
                Table { Origin: TableOrigin.Implicit } implied => implied.DefinedByDottedKey(slot, position),
                Table => throw Fail(position, $"table '{path}' is defined by a [table] header at {slot.KeyPosition}, dotted keys cannot add to it"),
                TableArray => throw Fail(position, $"key '{path}' is an array of tables (defined at {slot.KeyPosition}), dotted keys cannot add to it"),
                _ => throw Fail(position, $"key '{path}' is already a value (defined at {slot.KeyPosition}), it cannot also be a table"),
            };
        }

        private ConfigNode ToNode(ValueSyntax value, int depth)
        {
            var position = PositionOf(value);
            switch (value)
            {
                case StringValueSyntax text:
                    return ConfigScalar.String(text.Value ?? "", position);
                case IntegerValueSyntax or FloatValueSyntax:
                    return new ConfigScalar(TokenText(value), ScalarKind.Number, position);
                case BooleanValueSyntax:
                    return new ConfigScalar(TokenText(value), ScalarKind.Boolean, position);
                case DateTimeValueSyntax:
                    return new ConfigScalar(TokenText(value), ScalarKind.DateTime, position);
                case ArraySyntax array:
                {
                    CheckDepth(depth, position);
                    var items = new List<ConfigNode>(array.Items.ChildrenCount);
                    foreach (var item in array.Items)
                        items.Add(ToNode(Required(item.Value), depth + 1));
                    return new ConfigList(items, position);
                }
                case InlineTableSyntax inline:
                {
                    CheckDepth(depth, position);
                    // An inline table is its own scope for dotted keys and is closed once written.
                    var table = new Table("", position, TableOrigin.Header);
                    foreach (var item in inline.Items)
                        AddInlineKeyValue(table, Required(item.KeyValue), depth + 1);
                    return table.ToMap();
                }
                default:
                    throw Fail(position, $"unsupported TOML value ({value.Kind})");
            }
        }

        private void AddInlineKeyValue(Table table, KeyValueSyntax keyValue, int depth)
        {
            var segments = Segments(Required(keyValue.Key));
            for (var i = 0; i < segments.Count - 1; i++)
                table = WalkDotted(table, segments[i]);
            var (name, position) = segments[^1];
            if (table.TryGet(name, out var first))
                throw Fail(position, $"duplicate key '{table.PathOf(name)}' (first defined at {first.KeyPosition})");
            table.Add(new Slot(name, position, ToNode(Required(keyValue.Value), depth)));
        }

        private void CheckDepth(int depth, SourcePosition position)
        {
            // Tomlyn already refuses this depth; kept so that this recursion is bounded on its own.
            if (depth >= MaxNestingDepth)
                throw Fail(position, $"nesting deeper than {MaxNestingDepth}");
        }

        private List<(string Name, SourcePosition Position)> Segments(KeySyntax key)
        {
            var segments = new List<(string, SourcePosition)> { Segment(Required(key.Key)) };
            foreach (var dotted in key.DotKeys)
                segments.Add(Segment(Required(dotted.Key)));
            return segments;
        }

        private (string, SourcePosition) Segment(BareKeyOrStringValueSyntax key) => key switch
        {
            BareKeySyntax bare => (Required(bare.Key).Text ?? "", PositionOf(bare)),
            StringValueSyntax quoted => (quoted.Value ?? "", PositionOf(quoted)),
            _ => throw Fail(PositionOf(key), "unsupported key syntax"),
        };

        private static string TokenText(ValueSyntax value)
        {
            // Each scalar value node has exactly one child: its token with the text as written.
            for (var i = 0; i < value.ChildrenCount; i++)
                if (value.GetChild(i) is SyntaxToken { Text: { } text })
                    return text;
            return "";
        }

        private T Required<T>(T? node) where T : SyntaxNode =>
            node ?? throw Fail(new SourcePosition(1, 1), "incomplete TOML syntax tree");

        private SourcePosition PositionOf(SyntaxNode node) => TomlFormatParser.PositionOf(_source, node.Span.Start.Offset);

        private VarTrackException Fail(SourcePosition position, string message) => TomlFormatParser.Fail(_source, position, message);
    }

    /// <summary>How a table came to exist; TOML allows different later additions for each.</summary>
    private enum TableOrigin
    {
        /// <summary>Created as a prefix of a header (<c>a</c> in <c>[a.b]</c>); a later <c>[a]</c> may still define it.</summary>
        Implicit,
        /// <summary>Defined by a header, an array-of-tables element, the root, or an inline table.</summary>
        Header,
        /// <summary>Created (or first defined) by a dotted key (<c>a</c> in <c>a.b = 1</c>); only more dotted keys may add to it.</summary>
        Dotted,
    }

    private sealed class Slot(string key, SourcePosition keyPosition, object content)
    {
        public string Key { get; } = key;
        public SourcePosition KeyPosition { get; set; } = keyPosition;
        /// <summary>A <see cref="Table"/>, a <see cref="TableArray"/> or a finished <see cref="ConfigNode"/> value.</summary>
        public object Content { get; } = content;
    }

    private sealed class TableArray(SourcePosition position, List<Table> items)
    {
        public SourcePosition Position { get; } = position;
        public List<Table> Items { get; } = items;
    }

    private sealed class Table(string path, SourcePosition position, TableOrigin origin)
    {
        private readonly List<Slot> _slots = [];
        private readonly Dictionary<string, Slot> _byKey = new(StringComparer.Ordinal);

        /// <summary>The dotted path from the root, for messages.</summary>
        public string Path { get; } = path;
        public SourcePosition Position { get; set; } = position;
        public TableOrigin Origin { get; set; } = origin;

        public Table DefinedByDottedKey(Slot slot, SourcePosition keyPosition)
        {
            Origin = TableOrigin.Dotted;
            slot.KeyPosition = keyPosition;
            return this;
        }

        public bool TryGet(string key, out Slot slot) => _byKey.TryGetValue(key, out slot!);

        public void Add(Slot slot)
        {
            _byKey.Add(slot.Key, slot);
            _slots.Add(slot);
        }

        public string PathOf(string key)
        {
            var printable = KeyText(key);
            return Path.Length == 0 ? printable : $"{Path}.{printable}";
        }

        public ConfigMap ToMap()
        {
            var builder = new ConfigMap.Builder(Position);
            foreach (var slot in _slots)
            {
                var value = slot.Content switch
                {
                    Table table => table.ToMap(),
                    TableArray array => new ConfigList(array.Items.ConvertAll<ConfigNode>(t => t.ToMap()), array.Position),
                    _ => (ConfigNode)slot.Content,
                };
                // Keys are unique by construction (TryGet above); TryAdd keeps ConfigMap's own guarantee explicit.
                if (!builder.TryAdd(new ConfigEntry(slot.Key, slot.KeyPosition, value), out _))
                    throw new InvalidOperationException($"Duplicate key '{slot.Key}' slipped past the TOML table rules.");
            }
            return builder.Build();
        }

        /// <summary>Bare keys as written; others quoted so that "a.b" (one key) differs from a.b (two) in messages.</summary>
        private static string KeyText(string key)
        {
            if (key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return key;
            var text = new StringBuilder(key.Length + 2).Append('"');
            foreach (var c in key)
                text.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                    _ => c.ToString(),
                });
            return text.Append('"').ToString();
        }
    }

    /// <summary>
    /// Finds where arrays and inline tables first nest deeper than the limit, skipping strings and comments.
    /// Only used to place Tomlyn's position-less depth error, so it need not know all of TOML.
    /// </summary>
    private static class NestingScanner
    {
        public static int? FindTooDeep(string text, int limit)
        {
            var depth = 0;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                switch (c)
                {
                    case '#':
                        i = SkipTo(text, i, "\n");
                        continue;
                    case '"' or '\'':
                        i = SkipString(text, i);
                        continue;
                    case '[' or '{':
                        if (++depth > limit)
                            return i;
                        break;
                    case ']' or '}':
                        depth = Math.Max(0, depth - 1);
                        break;
                }
                i++;
            }
            return null;
        }

        private static int SkipString(string text, int start)
        {
            var quote = text[start];
            var triple = new string(quote, 3);
            if (string.CompareOrdinal(text, start, triple, 0, 3) == 0)
                return quote == '"' ? SkipBasic(text, start + 3, triple) : SkipTo(text, start + 3, triple);
            return quote == '"' ? SkipBasic(text, start + 1, "\"") : SkipTo(text, start + 1, "'");
        }

        private static int SkipBasic(string text, int i, string close)
        {
            while (i < text.Length)
            {
                if (text[i] == '\\')
                    i += 2;
                else if (string.CompareOrdinal(text, i, close, 0, close.Length) == 0)
                    return i + close.Length;
                else if (text[i] == '\n' && close.Length == 1)
                    return i;
                else
                    i++;
            }
            return text.Length;
        }

        private static int SkipTo(string text, int i, string close)
        {
            var end = text.IndexOf(close, i, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + close.Length;
        }
    }
}

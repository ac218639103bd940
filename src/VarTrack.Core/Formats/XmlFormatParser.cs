using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>
/// Reads XML config files with <see cref="XmlReader"/>. DTDs are prohibited and no resolver is set, so a document
/// with a DTD or entity declarations fails ("DTD and entity declarations are not allowed") and no entity is ever
/// expanded or fetched (billion laughs, external entities). The mapping:
/// <list type="bullet">
/// <item>The root element becomes the single top-level key:
/// <c>&lt;vartrack&gt;&lt;db&gt;&lt;host&gt;x&lt;/host&gt;&lt;/db&gt;&lt;/vartrack&gt;</c> is
/// <c>{vartrack: {db: {host: "x"}}}</c>.</item>
/// <item>An element with only text is a scalar holding the text exactly as written (after XML's own entity and
/// line-end handling); CDATA is text. An empty element (<c>&lt;a/&gt;</c>, <c>&lt;a&gt;&lt;/a&gt;</c>) is "".</item>
/// <item>Attributes are keys named <c>@name</c> under the element (<c>&lt;db host="x"/&gt;</c> is
/// <c>{db: {"@host": "x"}}</c>); <c>xmlns</c> and <c>xmlns:*</c> attributes are skipped. Element and attribute names
/// are kept as written, prefixes included (<c>ns:tag</c>).</item>
/// <item>An element with attributes or child elements keeps non-whitespace text under the key <c>#text</c>: the text
/// runs between child elements that are not whitespace-only, concatenated as written. Whitespace-only text between
/// child elements (indentation) is ignored.</item>
/// <item>Sibling elements with the same name become one list in document order, at the position of the first one,
/// even when other siblings come between them (<c>&lt;s&gt;a&lt;/s&gt;&lt;s&gt;b&lt;/s&gt;</c> is <c>s: [a, b]</c>).
/// A name that occurs once is not a list.</item>
/// <item>Keys in a map: attributes, then child elements, each in document order, then <c>#text</c>. Comments and
/// processing instructions are ignored. Every value is <see cref="ScalarKind.String"/>.</item>
/// <item>Elements nested deeper than <see cref="MaxDepth"/> levels are refused, so no later recursive step can
/// overflow the stack.</item>
/// </list>
/// </summary>
public sealed partial class XmlFormatParser : IConfigFormatParser
{
    public const int MaxDepth = 256;

    private const string DtdMessage = "DTD and entity declarations are not allowed";

    public ConfigFormat Format => ConfigFormat.Xml;

    public ConfigNode Parse(SourceText source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
        };

        var open = new Stack<Element>();
        ConfigMap? root = null;
        var sawElement = false;
        using var reader = XmlReader.Create(new StringReader(source.Text), settings);
        var lineInfo = (IXmlLineInfo)reader;
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        sawElement = true;
                        // LinePosition points at the name; the element starts at its '<'.
                        var element = new Element(reader.Name, new SourcePosition(lineInfo.LineNumber, lineInfo.LinePosition - 1));
                        if (open.Count >= MaxDepth)
                            throw Error(source, element.Position, $"elements are nested deeper than {MaxDepth} levels");
                        if (open.TryPeek(out var parent)) parent.EndTextRun();
                        ReadAttributes(reader, lineInfo, element);
                        if (reader.IsEmptyElement)
                            Close(element, open, ref root);
                        else
                            open.Push(element);
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.Whitespace:
                    case XmlNodeType.SignificantWhitespace:
                        // Whitespace outside the root element has no element to belong to.
                        if (open.TryPeek(out var owner))
                            owner.AddText(reader.Value, new SourcePosition(lineInfo.LineNumber, lineInfo.LinePosition));
                        break;
                    case XmlNodeType.EndElement:
                        Close(open.Pop(), open, ref root);
                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            var doctype = sawElement ? -1 : FindDoctype(source.Text);
            var position = ex.LineNumber > 0
                ? new SourcePosition(ex.LineNumber, ex.LinePosition)
                : source.Lines.PositionOf(source.Text.Length);
            // XmlReader reports a prohibited DTD without a position; the DOCTYPE found in the prolog is the culprit
            // unless the reader failed on something before it.
            if (doctype >= 0 && (ex.LineNumber == 0 || Offset(source, position) >= doctype))
                throw Error(source, source.Lines.PositionOf(doctype), DtdMessage);
            throw Error(source, position, "invalid xml: " + Describe(ex));
        }

        return root ?? throw Error(source, source.Lines.PositionOf(source.Text.Length), "invalid xml: root element is missing");
    }

    private static void ReadAttributes(XmlReader reader, IXmlLineInfo lineInfo, Element element)
    {
        if (!reader.MoveToFirstAttribute()) return;
        do
        {
            if (reader.Name == "xmlns" || reader.Name.StartsWith("xmlns:", StringComparison.Ordinal)) continue;
            var position = new SourcePosition(lineInfo.LineNumber, lineInfo.LinePosition);
            element.AddChild("@" + reader.Name, position, ConfigScalar.String(reader.Value, position));
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
    }

    private static void Close(Element element, Stack<Element> open, ref ConfigMap? root)
    {
        var node = element.Build();
        if (open.TryPeek(out var parent))
        {
            parent.AddChild(element.Name, element.Position, node);
            return;
        }
        var document = new ConfigMap.Builder(new SourcePosition(1, 1));
        document.TryAdd(new ConfigEntry(element.Name, element.Position, node), out _);
        root = document.Build();
    }

    /// <summary>The offset of a <c>&lt;!DOCTYPE</c> in the prolog (after the declaration, comments, PIs), or -1.</summary>
    private static int FindDoctype(string text)
    {
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var rest = text.AsSpan(i);
            if (rest.StartsWith("<!DOCTYPE", StringComparison.Ordinal)) return i;
            string? end = rest.StartsWith("<?", StringComparison.Ordinal) ? "?>"
                : rest.StartsWith("<!--", StringComparison.Ordinal) ? "-->"
                : null;
            if (end is null) return -1;
            var close = text.IndexOf(end, i + 2, StringComparison.Ordinal);
            if (close < 0) return -1;
            i = close + end.Length;
        }
    }

    private static int Offset(SourceText source, SourcePosition position)
    {
        // Only used to compare with the DOCTYPE offset, so counting lines by '\n' like LineIndex is enough.
        var offset = 0;
        for (var line = 1; line < position.Line; line++)
        {
            var nl = source.Text.IndexOf('\n', offset);
            if (nl < 0) return source.Text.Length;
            offset = nl + 1;
        }
        return offset + position.Column - 1;
    }

    /// <summary>XmlException's reason without its trailing " Line n, position m." and starting in lower case.</summary>
    private static string Describe(XmlException ex)
    {
        var reason = TrailingPosition().Replace(ex.Message, "").Trim().TrimEnd('.');
        if (reason.Length == 0) return "malformed document";
        return char.ToLowerInvariant(reason[0]) + reason[1..];
    }

    [GeneratedRegex(@"\s*Line \d+, position \d+\.\s*$")]
    private static partial Regex TrailingPosition();

    private static VarTrackException Error(SourceText source, SourcePosition position, string message) =>
        new(Problem.At(source.Path, position, message));

    /// <summary>An element being read: its attributes, child elements grouped by name, and text.</summary>
    /// <remarks>Allocates lazily: most elements hold one text node and large documents are mostly such elements.</remarks>
    private sealed class Element
    {
        private const int IndexThreshold = 8;
        private List<ChildGroup>? _children;
        private Dictionary<string, ChildGroup>? _childrenByName;
        // All text while there is no child element; once there is, only the runs between children that are not
        // whitespace-only, followed by the current run (which starts at _runStart).
        private StringBuilder? _text;
        private int _runStart;
        private SourcePosition _runPosition = SourcePosition.None;
        private SourcePosition _keptPosition = SourcePosition.None;

        public Element(string name, SourcePosition position)
        {
            Name = name;
            Position = position;
        }

        public string Name { get; }

        public SourcePosition Position { get; }

        public void AddText(string text, SourcePosition position)
        {
            _text ??= new StringBuilder();
            if (_text.Length == _runStart) _runPosition = position;
            _text.Append(text);
        }

        /// <summary>A child element starts: the text before it is one run, kept only if it is not whitespace-only.</summary>
        public void EndTextRun()
        {
            if (_text is null || _text.Length == _runStart) return;
            if (IsWhitespace(_text, _runStart))
                _text.Length = _runStart;
            else if (!_keptPosition.IsKnown)
                _keptPosition = _runPosition;
            _runStart = _text.Length;
        }

        public void AddChild(string name, SourcePosition position, ConfigNode node)
        {
            var group = Find(name);
            if (group is null)
            {
                group = new ChildGroup(name, position, node);
                (_children ??= []).Add(group);
                if (_childrenByName is not null)
                    _childrenByName.Add(name, group);
                else if (_children.Count > IndexThreshold)
                    _childrenByName = _children.ToDictionary(g => g.Name, StringComparer.Ordinal);
                return;
            }
            (group.More ??= [group.First]).Add(node);
        }

        public ConfigNode Build()
        {
            if (_children is null)
                return ConfigScalar.String(_text?.ToString() ?? "", _runPosition.IsKnown ? _runPosition : Position);

            EndTextRun();
            var map = new ConfigMap.Builder(Position);
            foreach (var group in _children)
            {
                var value = group.More is null ? group.First : new ConfigList(group.More, group.Position);
                map.TryAdd(new ConfigEntry(group.Name, group.Position, value), out _);
            }
            if (_text is { Length: > 0 })
                map.TryAdd(new ConfigEntry("#text", _keptPosition, ConfigScalar.String(_text.ToString(), _keptPosition)), out _);
            return map.Build();
        }

        private ChildGroup? Find(string name)
        {
            if (_childrenByName is not null)
                return _childrenByName.GetValueOrDefault(name);
            if (_children is null) return null;
            foreach (var group in _children)
                if (group.Name == name)
                    return group;
            return null;
        }

        private static bool IsWhitespace(StringBuilder text, int start)
        {
            // By chunk: the builder's indexer walks its chunk list on every call. XML whitespace only: a no-break
            // space is content.
            var chunkStart = 0;
            foreach (var chunk in text.GetChunks())
            {
                var span = chunk.Span;
                if (chunkStart + span.Length > start &&
                    span[Math.Max(0, start - chunkStart)..].IndexOfAnyExcept(" \t\r\n") >= 0)
                    return false;
                chunkStart += span.Length;
            }
            return true;
        }
    }

    private sealed class ChildGroup(string name, SourcePosition position, ConfigNode first)
    {
        public string Name { get; } = name;

        public SourcePosition Position { get; } = position;

        public ConfigNode First { get; } = first;

        /// <summary>All nodes in order once the name repeats; null while it occurred once.</summary>
        public List<ConfigNode>? More { get; set; }
    }
}

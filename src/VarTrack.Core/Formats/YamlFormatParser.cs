using System.Text.RegularExpressions;
using VarTrack.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace VarTrack.Core.Formats;

/// <summary>
/// YAML from YamlDotNet's event parser (no object model, no re-serialisation): scalars keep the text as written,
/// quoted scalars are always strings, plain <c>~</c>/<c>null</c>/empty are null. Anchors and aliases are supported and
/// merge keys (<c>&lt;&lt;: *base</c>) merge entries the mapping does not define itself. Aliases are counted as if
/// expanded, so an alias bomb is refused instead of exploding later in flatten. One document per file.
/// </summary>
public sealed partial class YamlFormatParser : IConfigFormatParser
{
    /// <summary>Nodes a document may expand to through aliases before it is refused (well above any real config).</summary>
    public const long MaxExpandedNodes = 5_000_000;

    private const int MaxDepth = 256;

    public ConfigFormat Format => ConfigFormat.Yaml;

    public ConfigNode Parse(SourceText source)
    {
        var reader = new Reader(source);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException ex)
        {
            throw new VarTrackException(Problem.At(source.Path, ToPosition(ex.Start), CleanMessage(ex.Message)));
        }
    }

    private static SourcePosition ToPosition(Mark mark) => new((int)mark.Line, (int)mark.Column);

    /// <summary>YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (...): "; the position is reported separately.</summary>
    private static string CleanMessage(string message)
    {
        var text = MarkPrefix().Replace(message, "").Trim();
        if (text.Length > 0) text = char.ToLowerInvariant(text[0]) + text[1..];
        return text.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    [GeneratedRegex(@"^(?:[-+]?(?:0|[1-9][0-9_]*|[0-9]+)|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$")]
    private static partial Regex TimestampPattern();

    /// <summary>The type hint of a plain scalar (YAML 1.2 core schema; text is never changed).</summary>
    private static ScalarKind KindOfPlain(string text) => text switch
    {
        "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
        _ when text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.') && NumberPattern().IsMatch(text) => ScalarKind.Number,
        _ when text.Length >= 8 && char.IsAsciiDigit(text[0]) && TimestampPattern().IsMatch(text) => ScalarKind.DateTime,
        _ => ScalarKind.String,
    };

    private static bool IsPlainNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    private sealed class Reader
    {
        private readonly SourceText _source;
        private readonly Parser _parser;
        private readonly Dictionary<string, (ConfigNode Node, long Size)> _anchors = new(StringComparer.Ordinal);
        private long _expanded;

        public Reader(SourceText source)
        {
            _source = source;
            _parser = new Parser(new StringReader(source.Text));
        }

        public ConfigNode ReadStream()
        {
            Expect<StreamStart>();
            if (_parser.Current is StreamEnd)
                return ConfigMap.Empty(new SourcePosition(1, 1));
            Expect<DocumentStart>();
            var root = _parser.Current is DocumentEnd
                ? ConfigMap.Empty(new SourcePosition(1, 1))
                : ReadNode(0).Node;
            if (root is ConfigScalar { IsNull: true }) root = ConfigMap.Empty(root.Position); // "---" alone, like an empty file
            Expect<DocumentEnd>();
            if (_parser.Current is DocumentStart start)
                throw Error(start.Start, "a file may hold one YAML document; found a second one ('---')");
            return root;
        }

        private T Expect<T>() where T : ParsingEvent
        {
            if (_parser.Current is null) _parser.MoveNext();
            if (_parser.Current is not T ev)
                throw Error(_parser.Current?.Start ?? Mark.Empty, $"unexpected {_parser.Current?.GetType().Name ?? "end of file"}");
            _parser.MoveNext();
            return ev;
        }

        private (ConfigNode Node, long Size) ReadNode(int depth)
        {
            if (depth > MaxDepth)
                throw Error(_parser.Current!.Start, $"nesting deeper than {MaxDepth} levels");
            var current = _parser.Current!;
            (ConfigNode Node, long Size) result;
            switch (current)
            {
                case Scalar scalar:
                    _parser.MoveNext();
                    result = (ToScalar(scalar), 1);
                    break;
                case AnchorAlias alias:
                    _parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                        throw Error(alias.Start, $"alias '*{alias.Value.Value}' refers to no anchor defined before it");
                    _expanded += anchored.Size;
                    if (_expanded > MaxExpandedNodes)
                        throw Error(alias.Start, $"aliases expand to more than {MaxExpandedNodes:N0} nodes; refusing to expand (alias bomb?)");
                    return anchored;
                case SequenceStart:
                    result = ReadSequence(depth);
                    break;
                case MappingStart:
                    result = ReadMapping(depth);
                    break;
                default:
                    throw Error(current.Start, $"unexpected {current.GetType().Name}");
            }
            if (current is NodeEvent { Anchor.IsEmpty: false } node)
                _anchors[node.Anchor.Value] = result;
            return result;
        }

        private ConfigScalar ToScalar(Scalar scalar)
        {
            var position = ToPosition(scalar.Start);
            var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
            if (tag is "tag:yaml.org,2002:null" || (tag is null && scalar.Style == ScalarStyle.Plain && IsPlainNull(scalar.Value)))
                return ConfigScalar.Null(position);
            var kind = tag switch
            {
                "tag:yaml.org,2002:str" => ScalarKind.String,
                "tag:yaml.org,2002:int" or "tag:yaml.org,2002:float" => ScalarKind.Number,
                "tag:yaml.org,2002:bool" => ScalarKind.Boolean,
                "tag:yaml.org,2002:timestamp" => ScalarKind.DateTime,
                _ when scalar.Style == ScalarStyle.Plain => KindOfPlain(scalar.Value),
                _ => ScalarKind.String,
            };
            return new ConfigScalar(scalar.Value, kind, position);
        }

        private (ConfigNode, long) ReadSequence(int depth)
        {
            var start = Expect<SequenceStart>();
            var items = new List<ConfigNode>();
            long size = 1;
            while (_parser.Current is not SequenceEnd)
            {
                var (node, nodeSize) = ReadNode(depth + 1);
                items.Add(node);
                size += nodeSize;
            }
            _parser.MoveNext();
            return (new ConfigList(items, ToPosition(start.Start)), size);
        }

        private (ConfigNode, long) ReadMapping(int depth)
        {
            var start = Expect<MappingStart>();
            var builder = new ConfigMap.Builder(ToPosition(start.Start));
            List<(ConfigNode Source, Mark At)>? merges = null;
            long size = 1;
            while (_parser.Current is not MappingEnd)
            {
                if (_parser.Current is not Scalar keyEvent)
                    throw Error(_parser.Current!.Start, "only plain or quoted scalar keys are supported (found a complex key)");
                _parser.MoveNext();
                var (value, valueSize) = ReadNode(depth + 1);
                size += valueSize;
                if (keyEvent.Style == ScalarStyle.Plain && keyEvent.Value == "<<")
                {
                    (merges ??= []).Add((value, keyEvent.Start));
                    continue;
                }
                var keyPosition = ToPosition(keyEvent.Start);
                if (!builder.TryAdd(new ConfigEntry(keyEvent.Value, keyPosition, value), out var existing))
                    throw Error(keyEvent.Start, $"duplicate key '{keyEvent.Value}' (first defined at {existing.KeyPosition})");
            }
            _parser.MoveNext();
            if (merges is not null)
                foreach (var (mergeSource, at) in merges)
                    Merge(builder, mergeSource, at);
            return (builder.Build(), size);
        }

        /// <summary>YAML merge keys: entries of the merged map(s) fill in keys the mapping did not define itself.</summary>
        private void Merge(ConfigMap.Builder target, ConfigNode source, Mark at)
        {
            var maps = source switch
            {
                ConfigMap map => [map],
                ConfigList list when list.Items.All(i => i is ConfigMap) => list.Items.Cast<ConfigMap>().ToList(),
                _ => throw Error(at, "a merge key ('<<') takes a mapping or a list of mappings"),
            };
            foreach (var map in maps)
                foreach (var entry in map.Entries)
                    target.TryAdd(entry, out _);
        }

        private VarTrackException Error(Mark mark, string message) =>
            new(Problem.At(_source.Path, ToPosition(mark), message));
    }
}

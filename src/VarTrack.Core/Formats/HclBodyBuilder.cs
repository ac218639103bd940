using VarTrack.Core.Errors;

namespace VarTrack.Core.Formats;

/// <summary>A block label as written: its unquoted text and where it stands.</summary>
internal readonly record struct HclLabel(string Text, SourcePosition Position);

/// <summary>Where a block's body goes once it is parsed; reserved first so conflicts are reported at the block's header.</summary>
internal sealed class HclBlockSlot(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    public ConfigMap? Body { get; set; }
}

/// <summary>
/// Collects the attributes and blocks of one HCL body and turns them into a map:
/// an attribute becomes a key; blocks of one type are merged under the type name, nested by their labels
/// (<c>service "a" {}</c> and <c>service "b" {}</c> give <c>service: {a, b}</c>); an unlabelled block type that occurs
/// more than once becomes a list of its bodies. Keys keep the order in which they first appear.
/// </summary>
internal sealed class HclBodyBuilder
{
    private readonly string? _path;
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object> _members = new(StringComparer.Ordinal);

    public HclBodyBuilder(string? path) => _path = path;

    public void AddAttribute(string name, SourcePosition position, ConfigNode value)
    {
        if (_members.TryGetValue(name, out var existing))
        {
            throw existing switch
            {
                Attribute a => Error(position, $"duplicate attribute '{name}' (first defined at {a.Position})"),
                BlockType b => Error(position, $"attribute '{name}' conflicts with block '{name}' (defined at {b.Position})"),
                _ => new InvalidOperationException("unknown body member"),
            };
        }
        _members.Add(name, new Attribute(position, value));
        _order.Add(name);
    }

    public HclBlockSlot AddBlock(string type, SourcePosition position, IReadOnlyList<HclLabel> labels)
    {
        BlockType blockType;
        if (_members.TryGetValue(type, out var existing))
        {
            if (existing is Attribute a)
                throw Error(position, $"block '{type}' conflicts with attribute '{type}' (defined at {a.Position})");
            blockType = (BlockType)existing;
            if (blockType.Labelled != labels.Count > 0)
                throw Error(position, $"block '{type}' is written both with and without labels (first at {blockType.Position})");
        }
        else
        {
            blockType = new BlockType(position, labels.Count > 0);
            _members.Add(type, blockType);
            _order.Add(type);
        }

        var slot = new HclBlockSlot(position);
        if (!blockType.Labelled)
        {
            blockType.Unlabelled.Add(slot);
            return slot;
        }

        var node = blockType.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            if (node.Leaf is not null)
                throw Error(position, $"block {Describe(type, labels, labels.Count)} overlaps block {Describe(type, labels, i)} " +
                                      $"(defined at {node.Leaf.Position}); blocks of one type need the same number of labels");
            var label = labels[i];
            if (node.Children.TryGetValue(label.Text, out var child))
            {
                if (i == labels.Count - 1)
                {
                    if (child.Leaf is not null)
                        throw Error(position, $"duplicate block {Describe(type, labels, labels.Count)} (first defined at {child.Leaf.Position})");
                    throw Error(position, $"block {Describe(type, labels, labels.Count)} overlaps a '{type}' block with more labels " +
                                          $"(defined at {child.FirstBlock}); blocks of one type need the same number of labels");
                }
            }
            else
            {
                child = new LabelNode(label.Position, position);
                node.Children.Add(label.Text, child);
                node.Order.Add(label.Text);
            }
            node = child;
        }
        node.Leaf = slot;
        return slot;
    }

    public ConfigMap Build(SourcePosition position)
    {
        var map = new ConfigMap.Builder(position);
        foreach (var name in _order)
        {
            switch (_members[name])
            {
                case Attribute a:
                    map.TryAdd(new ConfigEntry(name, a.Position, a.Value), out _);
                    break;
                case BlockType { Labelled: false } b:
                    ConfigNode value = b.Unlabelled.Count == 1
                        ? BodyOf(b.Unlabelled[0])
                        : new ConfigList(b.Unlabelled.Select(BodyOf).ToList(), b.Position);
                    map.TryAdd(new ConfigEntry(name, b.Position, value), out _);
                    break;
                case BlockType b:
                    map.TryAdd(new ConfigEntry(name, b.Position, BuildLabels(b.Labels, b.Position)), out _);
                    break;
            }
        }
        return map.Build();
    }

    private static ConfigMap BuildLabels(LabelNode node, SourcePosition position)
    {
        var map = new ConfigMap.Builder(position);
        foreach (var label in node.Order)
        {
            var child = node.Children[label];
            ConfigNode value = child.Leaf is not null ? BodyOf(child.Leaf) : BuildLabels(child, child.Position);
            map.TryAdd(new ConfigEntry(label, child.Position, value), out _);
        }
        return map.Build();
    }

    private static ConfigMap BodyOf(HclBlockSlot slot) =>
        slot.Body ?? throw new InvalidOperationException("A block body was not filled in.");

    private static string Describe(string type, IReadOnlyList<HclLabel> labels, int count) =>
        string.Concat(labels.Take(count).Select(l => $" \"{l.Text}\"").Prepend(type));

    private VarTrackException Error(SourcePosition position, string message) => new(Problem.At(_path, position, message));

    private sealed record Attribute(SourcePosition Position, ConfigNode Value);

    private sealed class BlockType(SourcePosition position, bool labelled)
    {
        public SourcePosition Position { get; } = position;
        public bool Labelled { get; } = labelled;
        public List<HclBlockSlot> Unlabelled { get; } = [];
        public LabelNode Labels { get; } = new(position, position);
    }

    /// <summary>One label level: either a complete block (<see cref="Leaf"/>) or the labels that follow.</summary>
    private sealed class LabelNode(SourcePosition position, SourcePosition firstBlock)
    {
        public SourcePosition Position { get; } = position;
        public SourcePosition FirstBlock { get; } = firstBlock;
        public Dictionary<string, LabelNode> Children { get; } = new(StringComparer.Ordinal);
        public List<string> Order { get; } = [];
        public HclBlockSlot? Leaf { get; set; }
    }
}

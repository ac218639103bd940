namespace VarTrack.Core.Formats;

/// <summary>An ordered list; flattens to <c>key.0</c>, <c>key.1</c>, ...</summary>
public sealed class ConfigList : ConfigNode
{
    public ConfigList(IReadOnlyList<ConfigNode> items, SourcePosition position) : base(position) => Items = items;

    public IReadOnlyList<ConfigNode> Items { get; }
}

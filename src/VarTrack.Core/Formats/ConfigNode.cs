namespace VarTrack.Core.Formats;

/// <summary>
/// A parsed configuration document: maps, lists and scalars, each remembering where it was written.
/// Every format parses into this one tree, so every later step (root key, environments, flatten) is written once.
/// </summary>
public abstract class ConfigNode
{
    protected ConfigNode(SourcePosition position) => Position = position;

    public SourcePosition Position { get; }
}

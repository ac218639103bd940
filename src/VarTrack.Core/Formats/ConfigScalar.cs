namespace VarTrack.Core.Formats;

/// <summary>A leaf value. <see cref="Text"/> is exactly what the author wrote (after the format's own unquoting); null means null.</summary>
public sealed class ConfigScalar : ConfigNode
{
    public ConfigScalar(string? text, ScalarKind kind, SourcePosition position) : base(position)
    {
        Text = text;
        Kind = text is null ? ScalarKind.Null : kind;
    }

    public string? Text { get; }

    public ScalarKind Kind { get; }

    public bool IsNull => Text is null;

    public static ConfigScalar String(string text, SourcePosition position) => new(text, ScalarKind.String, position);

    public static ConfigScalar Null(SourcePosition position) => new(null, ScalarKind.Null, position);

    public override string ToString() => Text ?? "null";
}

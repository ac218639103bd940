namespace VarTrack.Core.Sync;

/// <summary>
/// Where a sink writes (the rendered destination template) and on whose behalf: the owner is a rule and source file,
/// so several files may share a destination and each prunes only the keys it wrote.
/// </summary>
public sealed record SinkTarget(string Destination, string Rule, string SourceFile)
{
    /// <summary><c>rule:path/of/file.yaml</c>; unique per owner, used as the key of provenance records.</summary>
    public string Owner => $"{Rule}:{SourceFile}";

    /// <summary>The owner as one safe path segment or field name (percent-encoded: no '/', ':' or spaces).</summary>
    public string OwnerToken => Uri.EscapeDataString(Owner);

    public override string ToString() => Destination;
}

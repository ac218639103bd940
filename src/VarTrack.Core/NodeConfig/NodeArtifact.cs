namespace VarTrack.Core.NodeConfig;

/// <summary>One materialized file: its payload path (checked with <see cref="NodeFilePath"/>), bytes and optional octal mode.</summary>
public sealed record NodeArtifact(string Path, byte[] Content)
{
    public string? Mode { get; init; }

    /// <summary>The mode of files marked secret: owner read/write only.</summary>
    public const string SecretMode = "0600";
}

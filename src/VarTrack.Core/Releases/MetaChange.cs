namespace VarTrack.Core.Releases;

/// <summary>What one commit to the meta repository writes, and its commit message. Records are never deleted.</summary>
public sealed record MetaChange(string Message, IReadOnlyList<MetaFileWrite> Files);

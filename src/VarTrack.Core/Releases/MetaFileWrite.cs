namespace VarTrack.Core.Releases;

/// <summary>One file a change writes (creates, or replaces where the model allows it), with the bytes as stored.</summary>
public sealed record MetaFileWrite(string Path, byte[] Content);

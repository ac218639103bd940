using VarTrack.Core.Git;

namespace VarTrack.Core.Releases;

/// <summary>One file changed by one commit of the meta repository; <see cref="Content"/> is null for a deleted file.</summary>
public sealed record MetaFileChange(string Path, GitChangeKind Kind, byte[]? Content);

namespace VarTrack.Core.Releases;

/// <summary>One commit of the meta branch's first-parent history and what it changed against its first parent.</summary>
public sealed record MetaHistoryStep(string Commit, string Author, DateTimeOffset Time, IReadOnlyList<MetaFileChange> Changes);

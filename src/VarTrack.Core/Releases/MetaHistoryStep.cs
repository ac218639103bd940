namespace VarTrack.Core.Releases;

/// <summary>
/// One commit reachable from the meta branch's tip and what it changed: <see cref="Changes"/> against its first parent
/// (everything added for a root commit), and for a merge <see cref="OtherParentChanges"/> against each later parent, so
/// a merge is compared with every parent it has.
/// </summary>
public sealed record MetaHistoryStep(string Commit, string Author, DateTimeOffset Time, IReadOnlyList<MetaFileChange> Changes)
{
    /// <summary>The commit's parents, first parent first; empty for a root commit.</summary>
    public IReadOnlyList<string> Parents { get; init; } = [];

    /// <summary>For a merge: what it changes against <c>Parents[1..]</c>, in that order; empty otherwise.</summary>
    public IReadOnlyList<IReadOnlyList<MetaFileChange>> OtherParentChanges { get; init; } = [];
}

namespace VarTrack.Core.Releases;

/// <summary>
/// The meta repository (a Git repository of release metadata), read and written through a local working clone.
/// Connectors implement it with LibGit2Sharp (<c>GitMetaRepository</c>). Errors are <see cref="Errors.VarTrackException"/>s
/// naming the repository (never a credential).
/// </summary>
public interface IMetaRepository
{
    /// <summary>The repository's platform name (<c>owner/name</c>), as webhooks name it.</summary>
    string Name { get; }

    /// <summary>The tip of the meta branch, fetched unless the last fetch is younger than <paramref name="maxAge"/>.</summary>
    Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default);

    /// <summary>The tree at a commit (fetched when not in the clone).</summary>
    Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default);

    /// <summary>The first parent of a commit; null for a root commit.</summary>
    Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default);

    /// <summary>True or false when both commits are in the clone; null when either is not.</summary>
    Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches, runs <paramref name="plan"/> against the tip, commits and pushes. Records are checked by the caller
    /// (<see cref="MetaWriter.CommitAsync"/> runs <see cref="MetaImmutability.Check"/> inside the plan), not here. A push rejected
    /// because the branch moved is retried (a bounded number of times): fetch again and run <paramref name="plan"/> against the new tip, so its compare-and-swap checks see the
    /// new state. An exception from <paramref name="plan"/> (a conflict, bad input) ends it with nothing committed.
    /// </summary>
    Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every commit reachable from the branch's tip through any parent (fetched first), parents before children, each
    /// with what it changed against each of its parents.
    /// </summary>
    Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default);
}

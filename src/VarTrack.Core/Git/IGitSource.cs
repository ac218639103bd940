namespace VarTrack.Core.Git;

/// <summary>
/// Read access to Git at exact commits, through a local clone cache (connectors implement it with LibGit2Sharp).
/// Every method is safe to call concurrently. Errors are <see cref="Errors.VarTrackException"/>s naming the repository
/// and commit (never a credential); a commit that does not exist after fetching is such an error.
/// </summary>
public interface IGitSource
{
    /// <summary>
    /// Makes sure <paramref name="commit"/> (a full or abbreviated id) is in the local clone, fetching
    /// <paramref name="reference"/> (e.g. <c>refs/heads/main</c>; null: every branch and tag) when it is not.
    /// Never substitutes another commit: the commit named is the commit read.
    /// </summary>
    Task<GitCommitInfo> FetchAsync(GitRemote remote, string commit, string? reference, CancellationToken cancellationToken = default);

    /// <summary>A file's bytes at a commit; null when the path does not exist there (a deleted or never-added file).</summary>
    Task<byte[]?> ReadFileAsync(GitRemote remote, string commit, string path, CancellationToken cancellationToken = default);

    /// <summary>Files changed from <paramref name="fromCommit"/> to <paramref name="toCommit"/>; null from: every file of toCommit, as added.</summary>
    Task<IReadOnlyList<GitFileChange>> DiffAsync(GitRemote remote, string? fromCommit, string toCommit, CancellationToken cancellationToken = default);

    /// <summary>True or false when both commits are known locally; null when either is not.</summary>
    Task<bool?> IsAncestorAsync(GitRemote remote, string ancestor, string descendant, CancellationToken cancellationToken = default);
}

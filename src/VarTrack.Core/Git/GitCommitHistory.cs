using VarTrack.Core.Sync;

namespace VarTrack.Core.Git;

/// <summary>Commit order for one repository from its local clone, so an out-of-order webhook never wins.</summary>
public sealed class GitCommitHistory(IGitSource git, GitRemote remote) : ICommitHistory
{
    public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) =>
        git.IsAncestorAsync(remote, ancestor, descendant, cancellationToken);
}

namespace VarTrack.Core.Sync;

/// <summary>Answers "is this commit an ancestor of that one" from Git, so an out-of-order webhook never wins.</summary>
public interface ICommitHistory
{
    /// <summary>True or false when Git knows both commits; null when it cannot tell (then commit times decide).</summary>
    Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default);
}

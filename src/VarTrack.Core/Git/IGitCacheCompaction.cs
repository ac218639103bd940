namespace VarTrack.Core.Git;

/// <summary>
/// Compacts the local clones a Git source keeps (packs and loose objects pile up with every fetch). Implemented by the
/// clone cache; called by the hosts' retention timer through <see cref="State.RetentionSweep"/>.
/// </summary>
public interface IGitCacheCompaction
{
    /// <summary>Compacts the clones that need it and that no call is using; returns how many were compacted.</summary>
    Task<int> CompactAsync(CancellationToken cancellationToken = default);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Git;

namespace VarTrack.Core.State;

/// <summary>
/// What the hosts' retention timer runs, written once: prune the state store (<see cref="StatePruner"/>), then compact
/// the Git clone cache when the host has one. A failure of one part is logged and does not stop the other; the next
/// tick tries again.
/// </summary>
public sealed class RetentionSweep(StatePruner pruner, IGitCacheCompaction? git = null, ILogger<RetentionSweep>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>The prune's result, or null when it failed (logged).</summary>
    public async Task<PruneResult?> RunAsync(CancellationToken cancellationToken = default)
    {
        PruneResult? result = null;
        try
        {
            result = await pruner.PruneAsync(cancellationToken);
            if (result.SyncsDeleted + result.DeliveriesDeleted + result.SnapshotsDeleted > 0)
                _logger.LogInformation("retention removed {Syncs} sync records ({Kept} past a limit kept: queued, running or referenced), {Deliveries} delivery ids, {Snapshots} leftover snapshots",
                    result.SyncsDeleted, result.SyncsKept, result.DeliveriesDeleted, result.SnapshotsDeleted);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("retention: pruning the state store failed: {Error}", ex.Message);
        }
        if (git is null) return result;
        try
        {
            var compacted = await git.CompactAsync(cancellationToken);
            if (compacted > 0) _logger.LogInformation("retention compacted {Count} cached git clones", compacted);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("retention: compacting cached git clones failed: {Error}", ex.Message);
        }
        return result;
    }
}

namespace VarTrack.Core.State;

/// <summary>
/// The <c>state:</c> section of vartrack.yaml: how long VarTrack keeps the documents it writes per event (sync records,
/// webhook delivery ids) and how often the hosts' timer prunes them. A limit of 0 turns that limit off.
/// </summary>
public sealed record StateSettings
{
    public static readonly StateSettings Default = new();

    /// <summary>Sync records kept at most (the newest by last write); 0: no count limit.</summary>
    public int KeepSyncs { get; init; } = 1000;

    /// <summary>Sync records last written longer ago than this many days are removed; 0: no age limit.</summary>
    public int KeepSyncDays { get; init; } = 30;

    /// <summary>
    /// Webhook delivery ids (duplicate detection) older than this many days are removed; 0: kept forever. A redelivery
    /// after that is handled afresh, which starts nothing new when its sync record is still there (sync ids are derived
    /// from repository, ref and commit) and otherwise re-applies a commit the older-commit check then skips.
    /// </summary>
    public int KeepDeliveryDays { get; init; } = 7;

    /// <summary>How often the self-hosted server prunes (once at start, then at this interval).</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromHours(1);
}

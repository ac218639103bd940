namespace VarTrack.Core.Replication;

/// <summary>
/// The <c>replication:</c> section of vartrack.yaml: one origin Vault replicated one way to destination Vaults on a
/// timer. Bound and validated by <see cref="ReplicationSettingsBinder"/>; null in <c>VarTrackConfig</c> without the section.
/// </summary>
public sealed record ReplicationSettings(ReplicationOrigin Origin, IReadOnlyList<ReplicationDestination> Destinations)
{
    /// <summary>How often a host starts a cycle.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one owner's cycle may run before it is abandoned (nothing published).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Concurrent Vault requests inside one activity.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Activities of one cycle running at once (metadata scans, copy chunks); each makes up to <see cref="Workers"/> requests.</summary>
    public int FanOut { get; init; } = 1;

    /// <summary>Buckets of the sync info (paths are spread by hash); changing it rebuilds every index once.</summary>
    public int Buckets { get; init; } = SyncInfoJson.DefaultBucketCount;

    public SyncInfoSettings SyncInfo { get; init; } = new();

    /// <summary>The destination with that name, or null.</summary>
    public ReplicationDestination? Destination(string name) => Destinations.FirstOrDefault(d => d.Name == name);
}

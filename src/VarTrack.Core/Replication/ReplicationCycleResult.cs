namespace VarTrack.Core.Replication;

/// <summary>The origin cycle and the destination cycles that ran after it (none when the origin cycle was fatal, abandoned or stopped).</summary>
public sealed record ReplicationCycleResult(OwnerCycle Origin, IReadOnlyList<OwnerCycle> Destinations);

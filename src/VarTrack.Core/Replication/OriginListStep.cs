namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-origin-list</c>.</summary>
public sealed record OriginListStep(string CycleId, DateTimeOffset Deadline);

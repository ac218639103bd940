namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-destination-plan</c>.</summary>
public sealed record ReplicaPlanStep(string CycleId, string Destination, DateTimeOffset Deadline);

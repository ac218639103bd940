namespace VarTrack.Core.Replication;

/// <summary>Input of <c>vault-destination-copy</c> and <c>vault-destination-delete</c>: one staged chunk of the plan.</summary>
public sealed record ReplicaChunkStep(string CycleId, string Destination, string Generation, int Chunk, DateTimeOffset Deadline);

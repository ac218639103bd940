namespace VarTrack.Core.Drift;

/// <summary>Activity input: the destination to check, and the id a heal of it would get.</summary>
public sealed record DriftCheckStep(DriftTarget Target, string HealSyncId);

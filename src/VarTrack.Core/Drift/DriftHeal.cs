using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>Activity input after a heal: the drift report to update and the heal's sync record to keep.</summary>
public sealed record DriftHeal(DriftReport Report, SyncRecord Heal);

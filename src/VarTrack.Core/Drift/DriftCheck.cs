using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>Activity result: the drift report and, when the destination drifted and its rule heals, the heal to run.</summary>
public sealed record DriftCheck(DriftReport Report, FileSync? Heal);

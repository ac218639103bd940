using VarTrack.Core.Drift;

namespace VarTrack.Functions.Orchestrations;

/// <summary>The output of a <see cref="DriftOrchestrator"/> instance: the rule checked and one report per watched destination.</summary>
public sealed record DriftRun(string? Rule, IReadOnlyList<DriftReport> Reports);

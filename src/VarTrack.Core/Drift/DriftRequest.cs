namespace VarTrack.Core.Drift;

/// <summary>Check the destinations of one rule (null: every rule with drift enabled).</summary>
public sealed record DriftRequest(string? Rule);

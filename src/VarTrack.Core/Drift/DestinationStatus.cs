namespace VarTrack.Core.Drift;

/// <summary>One destination in <c>GET /api/status</c>: what was applied (from the baseline) and the last drift check.</summary>
public sealed record DestinationStatus(string Sink, string Destination, string Rule, string File, string Environment, string? Commit, DateTimeOffset AppliedAt, int Keys, DriftReport? Drift);

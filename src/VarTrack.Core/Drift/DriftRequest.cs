using VarTrack.Core.Workflows;

namespace VarTrack.Core.Drift;

/// <summary>Check the destinations of one rule (null: every rule with drift enabled), or only one destination.</summary>
public sealed record DriftRequest(string? Rule)
{
    /// <summary>Only this sink and destination (a host that runs one orchestration per watched destination).</summary>
    public DestinationRef? Destination { get; init; }
}

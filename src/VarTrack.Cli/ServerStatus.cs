using VarTrack.Core.Drift;

namespace VarTrack.Cli;

/// <summary>The answer to <c>GET /api/status</c>: every destination the server has applied to.</summary>
internal sealed record ServerStatus(IReadOnlyList<DestinationStatus> Destinations);

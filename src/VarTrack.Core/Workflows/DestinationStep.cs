using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>Activity input: one destination of one file, and for writes and restores the phases concerned.</summary>
public sealed record DestinationStep(FileSync File, DestinationRef Destination)
{
    public IReadOnlyList<WritePhase> Phases { get; init; } = [];
}

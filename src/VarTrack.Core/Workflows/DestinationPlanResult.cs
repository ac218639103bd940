using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// Activity result of planning one destination: an outcome when nothing is to be written, else the write phases to
/// run; the change summary is masked.
/// </summary>
public sealed record DestinationPlanResult(SinkOutcome? Outcome, string? Error, ChangeSummary? Changes, string? PreviousCommit)
{
    public IReadOnlyList<WritePhase> Phases { get; init; } = [];
}

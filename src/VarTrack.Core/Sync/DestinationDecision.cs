using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// What planning decided for one destination: <see cref="Outcome"/> is set when nothing is to be written
/// (unchanged, older commit, failed read); otherwise <see cref="Phases"/> says which write phases follow.
/// </summary>
public sealed record DestinationDecision(Snapshot? Snapshot, ChangeSet? Changes, SinkOutcome? Outcome, string? Error)
{
    public IReadOnlyList<WritePhase> Phases { get; init; } = [];
}

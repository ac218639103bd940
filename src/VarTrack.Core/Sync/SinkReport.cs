using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>The result at one destination. <see cref="Error"/> names sink and destination and never holds a secret.</summary>
public sealed record SinkReport(string Sink, string Type, string Destination, SinkOutcome Outcome)
{
    public ChangeSummary? Changes { get; init; }

    public string? Error { get; init; }

    /// <summary>The commit the destination held before this sync (from its provenance).</summary>
    public string? PreviousCommit { get; init; }
}

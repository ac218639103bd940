using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// A sync as status shows it: the request, its state and times, and per file and destination what happened. Values in
/// it are masked change summaries, so it can be stored and served as is.
/// </summary>
public sealed record SyncRecord(string Id, SyncState State, SyncRequest Request)
{
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why the sync failed as a whole (Git unreachable, commit missing, the host stopped).</summary>
    public string? Error { get; init; }

    public IReadOnlyList<SyncReport> Files { get; init; } = [];
}

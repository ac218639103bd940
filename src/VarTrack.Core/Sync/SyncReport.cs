namespace VarTrack.Core.Sync;

/// <summary>The result of one <see cref="SyncJob"/>: one report per destination.</summary>
public sealed record SyncReport(string File, string Rule, string Environment, string? Commit, IReadOnlyList<SinkReport> Sinks)
{
    /// <summary>True unless a destination failed (rolled-back and skipped destinations are not failures by themselves).</summary>
    public bool Succeeded => Sinks.All(s => s.Outcome is SinkOutcome.Applied or SinkOutcome.Unchanged or SinkOutcome.SkippedOlderCommit);
}

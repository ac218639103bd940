namespace VarTrack.Core.Sync;

/// <summary>The result of one file of one rule: one report per destination, or the problems that stopped it before any write.</summary>
public sealed record SyncReport(string File, string Rule, string Environment, string? Commit, IReadOnlyList<SinkReport> Sinks)
{
    /// <summary>Why the file was not synced at all (invalid config, an unresolvable secret); nothing was written.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The file was deleted at the commit (a pruning rule removed what it owned).</summary>
    public bool Deleted { get; init; }

    /// <summary>True unless a destination failed or the file had problems (rolled-back and skipped destinations are not failures by themselves).</summary>
    public bool Succeeded => Problems.Count == 0 && Sinks.All(s => s.Outcome is SinkOutcome.Applied or SinkOutcome.Unchanged or SinkOutcome.SkippedOlderCommit);
}

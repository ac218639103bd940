namespace VarTrack.Core.Workflows;

/// <summary>
/// One file of one rule to sync (or heal) into its destinations: references only, never values, so it can travel
/// through workflow history. The activities load the values themselves from <see cref="Source"/>.
/// </summary>
public sealed record FileSync(string SyncId, string Rule, string File, string Environment, IReadOnlyList<DestinationRef> Destinations)
{
    public FileSyncSource Source { get; init; } = FileSyncSource.Git;

    public string? Repository { get; init; }

    public string? CloneUrl { get; init; }

    public string? Ref { get; init; }

    public string? Commit { get; init; }

    public DateTimeOffset? CommitTime { get; init; }

    /// <summary>The file was deleted at the commit: its desired values are empty, so a pruning rule removes what it owned.</summary>
    public bool Deleted { get; init; }
}

using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// A change set as reports, status and workflow history carry it: keys, kinds and masked display values only, so it
/// can be serialised anywhere without revealing a secret.
/// </summary>
public sealed record ChangeSummary(IReadOnlyList<ChangeLine> Changes, int UnchangedCount)
{
    public IReadOnlyList<string> Protected { get; init; } = [];

    public string? SkipReason { get; init; }

    public int Count(ChangeKind kind) => Changes.Count(c => c.Kind == kind);

    public static ChangeSummary Of(ChangeSet changes) => new(changes.Changes.Select(ChangeLine.Of).ToList(), changes.UnchangedCount)
    {
        Protected = changes.Protected,
        SkipReason = changes.SkipReason,
    };
}

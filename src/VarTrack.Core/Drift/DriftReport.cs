using VarTrack.Core.Sync;

namespace VarTrack.Core.Drift;

/// <summary>
/// The last drift check of one destination against its applied baseline. <see cref="Keys"/> is the per-key delta from
/// the baseline to the live state: add (present live, not in the baseline), change, remove (in the baseline, gone
/// live); values are masked for secret keys.
/// </summary>
public sealed record DriftReport(string Sink, string Destination, string Rule, string File, string Environment, DriftState State, DateTimeOffset CheckedAt)
{
    public string? Commit { get; init; }
    public IReadOnlyList<ChangeLine> Keys { get; init; } = [];
    public int Added => Keys.Count(k => k.Kind == Planning.ChangeKind.Add);
    public int Changed => Keys.Count(k => k.Kind == Planning.ChangeKind.Change);
    public int Removed => Keys.Count(k => k.Kind == Planning.ChangeKind.Remove);
    public string? Error { get; init; }
    public DateTimeOffset? HealedAt { get; init; }
    public string? HealSyncId { get; init; }
}

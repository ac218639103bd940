using System.Text.Json.Serialization;

namespace VarTrack.Core.Replication;

/// <summary>
/// What one cycle did for one owner (<c>origin-primary</c>, <c>destination-eu</c>): masked counts and messages only,
/// so it can travel through workflow history and be stored and shown as status.
/// </summary>
public sealed record OwnerCycle(string Owner, string CycleId, CycleOutcome Outcome)
{
    public DateTimeOffset Started { get; init; }

    public DateTimeOffset Finished { get; init; }

    /// <summary>Origin: paths listed. Destination: origin paths it follows (the origin index's path count).</summary>
    public int Paths { get; init; }

    /// <summary>Origin: paths whose insight changed (added, changed, removed). Destination: copies and deletes planned.</summary>
    public int Changed { get; init; }

    /// <summary>Destination: secrets copied from the origin.</summary>
    public int Copied { get; init; }

    /// <summary>Destination: deletes applied (soft-delete or destroy).</summary>
    public int Deleted { get; init; }

    /// <summary>Destination: planned copies and deletes not applied this cycle (failed, skipped, or not run); retried next cycle.</summary>
    public int Pending { get; init; }

    /// <summary>One line each, naming owner, path and reason; never a secret value or token. Capped, with a last line counting the rest.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>The generation of the owner's published index after the cycle (null when it has none).</summary>
    public string? Generation { get; init; }

    /// <summary>Destination: the origin generation it has caught up with.</summary>
    public string? SourceGeneration { get; init; }

    /// <summary>
    /// The cycle ran to its end: <see cref="CycleOutcome.Published"/> or <see cref="CycleOutcome.Unchanged"/>, so its
    /// sync info stands (it may still list per-path errors or pending work). Status keeps it as the last succeeded cycle.
    /// </summary>
    [JsonIgnore]
    public bool Completed => Outcome is CycleOutcome.Published or CycleOutcome.Unchanged;

    /// <summary>
    /// The one definition of a cycle that ended well, used by status (in sync), <c>vt vault sync --once</c> (exit 0)
    /// and the log level: completed, without errors and with nothing pending.
    /// </summary>
    [JsonIgnore]
    public bool EndedWell => Completed && Errors.Count == 0 && Pending == 0;
}

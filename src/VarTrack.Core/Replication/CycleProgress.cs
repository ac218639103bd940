namespace VarTrack.Core.Replication;

/// <summary>
/// The workflow's bookkeeping for one owner's cycle (workflow-local, never passed to an activity): what is known so
/// far, so an abandoned or stopped cycle still reports it, and the flags that keep abandoned work from going on.
/// </summary>
internal sealed class CycleProgress(string owner, string cycleId, DateTimeOffset started, DateTimeOffset deadline)
{
    private readonly List<string> _errors = [];

    public string Owner { get; } = owner;
    public string CycleId { get; } = cycleId;
    public DateTimeOffset Started { get; } = started;
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The timer won: the work must not start another activity.</summary>
    public bool Abandoned { get; set; }

    /// <summary>The publish activity has been called (a timer firing now waits for its answer).</summary>
    public bool Publishing { get; set; }

    public int Paths { get; set; }
    public int Changed { get; set; }
    public int Copied { get; set; }
    public int Deleted { get; set; }
    public int Pending { get; set; }
    public string? Generation { get; set; }
    public string? SourceGeneration { get; set; }

    public void Error(string message) => _errors.Add(message);

    public void Errors(IEnumerable<string> messages) => _errors.AddRange(messages);

    public OwnerCycle Fail(StepFailure failure)
    {
        Error(failure.Message);
        return End(failure.TimedOut ? CycleOutcome.Abandoned : failure.Fatal ? CycleOutcome.Fatal : CycleOutcome.Failed);
    }

    /// <summary>The cycle as it stands; the workflow sets <see cref="OwnerCycle.Finished"/> from its clock.</summary>
    public OwnerCycle End(CycleOutcome outcome) => new(Owner, CycleId, outcome)
    {
        Started = Started,
        Finished = Started,
        Paths = Paths,
        Changed = Changed,
        Copied = Copied,
        Deleted = Deleted,
        Pending = Pending,
        Errors = _errors.Count <= ReplicationActivities.MaxErrors
            ? _errors.ToList()
            : [.. _errors.Take(ReplicationActivities.MaxErrors), $"... and {_errors.Count - ReplicationActivities.MaxErrors} more"],
        Generation = Generation,
        SourceGeneration = SourceGeneration,
    };
}

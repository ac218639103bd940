namespace VarTrack.Core.Replication;

/// <summary>
/// The workflow's bookkeeping for one owner's cycle (workflow-local, never passed to an activity): what is known so
/// far, so an abandoned or stopped cycle still reports it, and the flags that keep abandoned work from going on.
/// In process, the timer branch reads it while the abandoned work may still write to it on another thread, so the
/// error list and the snapshot taken by <see cref="End"/> are guarded and the flags are volatile (under Durable
/// everything runs on the orchestration's one thread and the lock is uncontended).
/// </summary>
internal sealed class CycleProgress(string owner, string cycleId, DateTimeOffset started, DateTimeOffset deadline)
{
    private readonly Lock _gate = new();
    private readonly List<string> _errors = [];
    private volatile bool _abandoned;
    private volatile bool _publishing;

    public string Owner { get; } = owner;
    public string CycleId { get; } = cycleId;
    public DateTimeOffset Started { get; } = started;
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The timer won: the work must not start another activity.</summary>
    public bool Abandoned
    {
        get => _abandoned;
        set => _abandoned = value;
    }

    /// <summary>The publish activity has been called (a timer firing now waits for its answer).</summary>
    public bool Publishing
    {
        get => _publishing;
        set => _publishing = value;
    }

    public int Paths { get; set; }
    public int Changed { get; set; }
    public int Copied { get; set; }
    public int Deleted { get; set; }
    public int Pending { get; set; }
    public string? Generation { get; set; }
    public string? SourceGeneration { get; set; }

    public void Error(string message)
    {
        lock (_gate) _errors.Add(message);
    }

    public void Errors(IEnumerable<string> messages)
    {
        var added = messages.ToList();
        lock (_gate) _errors.AddRange(added);
    }

    public OwnerCycle Fail(StepFailure failure)
    {
        lock (_gate)
        {
            if (failure.TimedOut) return EndOnce(AbandonedMessage(), CycleOutcome.Abandoned);
            _errors.Add(failure.Message);
            return Snapshot(failure.Fatal ? CycleOutcome.Fatal : CycleOutcome.Failed);
        }
    }

    /// <summary>
    /// Ends the cycle as abandoned because it ran out of time. The cycle's timer and its activities' deadline fire
    /// at the same instant, so in process both the timer branch and the work (an activity reporting
    /// <see cref="StepFailure.TimedOut"/>) get here, in either order or together: the message is added once.
    /// </summary>
    public OwnerCycle Abandon()
    {
        lock (_gate) return EndOnce(AbandonedMessage(), CycleOutcome.Abandoned);
    }

    /// <summary>
    /// Ends the cycle as stopped by the host. In process both racers see the stop (the work's activity is cancelled
    /// and so is the timer), so the message is added once whichever gets here first.
    /// </summary>
    public OwnerCycle Stop()
    {
        lock (_gate) return EndOnce($"{Owner}: stopped because the host is shutting down; nothing was published", CycleOutcome.Stopped);
    }

    /// <summary>Under the gate: the ending's message once, however many branches report the same ending.</summary>
    private OwnerCycle EndOnce(string message, CycleOutcome outcome)
    {
        if (!_errors.Contains(message)) _errors.Add(message);
        return Snapshot(outcome);
    }

    /// <summary>Why a cycle that ran out of time ends abandoned.</summary>
    public string AbandonedMessage() =>
        $"{Owner}: the cycle did not finish within {ReplicationWorkflow.Describe(Deadline - Started)}; abandoned, nothing was published (the last good sync info stands)";

    /// <summary>The cycle as it stands; the workflow sets <see cref="OwnerCycle.Finished"/> from its clock.</summary>
    public OwnerCycle End(CycleOutcome outcome)
    {
        lock (_gate) return Snapshot(outcome);
    }

    private OwnerCycle Snapshot(CycleOutcome outcome) => new(Owner, CycleId, outcome)
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

namespace VarTrack.Core.Workflows;

/// <summary>
/// What a workflow may do, and nothing else: call an activity, hold a critical section across calls, read the
/// workflow's clock and wait on it. The self-hosted server and the CLI call activities in process
/// (<see cref="InProcessWorkflowSteps"/>); Azure Functions backs it with a Durable <c>TaskOrchestrationContext</c>
/// (activities, entity locks, replay-safe time). Workflow code therefore follows the Durable rules everywhere: no I/O,
/// no wall clock, no randomness, and inputs and outputs that are references and masked summaries, never secret values.
/// </summary>
public interface IWorkflowSteps
{
    /// <summary>Runs an activity by name; its input and result must survive JSON serialisation.</summary>
    Task<TResult> CallAsync<TResult>(string activity, object input);

    /// <summary>Holds a critical section over named resources (sorted by the caller) until the result is disposed.</summary>
    Task<IAsyncDisposable> LockAsync(IReadOnlyList<string> resources);

    /// <summary>
    /// Completes after <paramref name="delay"/> of workflow time, or is cancelled by <paramref name="cancellationToken"/>
    /// (a durable timer in Durable). Workflows race it against their work to abandon a cycle that runs too long; cancel it
    /// when the work wins, since Durable waits for open timers before an orchestration completes.
    /// </summary>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>The workflow's current time (replay-safe in Durable).</summary>
    DateTimeOffset UtcNow { get; }
}

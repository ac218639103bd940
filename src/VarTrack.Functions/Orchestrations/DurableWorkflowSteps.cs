using Microsoft.DurableTask;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Orchestrations;

/// <summary>
/// Core's <see cref="IWorkflowSteps"/> on a Durable orchestration: activities are activity functions (retried a few
/// times when they throw, which only happens when the activity itself fails, not when a sink refuses), critical
/// sections are locks on <see cref="DestinationLock"/> entities, and the clock is the replay-safe orchestration time.
/// </summary>
public sealed class DurableWorkflowSteps(TaskOrchestrationContext context) : IWorkflowSteps
{
    /// <summary>3 attempts, 5 s then 10 s apart: enough for a worker recycled mid-activity, short enough for a held lock.</summary>
    public static TaskOptions ActivityOptions { get; } =
        TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2.0));

    public Task<TResult> CallAsync<TResult>(string activity, object input) =>
        context.CallActivityAsync<TResult>(activity, input, ActivityOptions);

    /// <summary>One lock request for all resources (Durable critical sections cannot be nested).</summary>
    public async Task<IAsyncDisposable> LockAsync(IReadOnlyList<string> resources)
    {
        if (resources.Count == 0) return NoLock.Instance;
        var entities = resources.Distinct(StringComparer.Ordinal).Select(DestinationLock.IdFor).ToList();
        return await context.Entities.LockEntitiesAsync(entities);
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => context.CreateTimer(delay, cancellationToken);

    public DateTimeOffset UtcNow => new(context.CurrentUtcDateTime.Ticks, TimeSpan.Zero);

    /// <summary>Durable refuses an empty lock set; nothing to lock is nothing to release.</summary>
    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

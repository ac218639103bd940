using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>Runs a workflow in this process: activities are direct calls, critical sections are destination locks.</summary>
public sealed class InProcessWorkflowSteps(ActivityTable activities, IDestinationLocks locks, TimeProvider time, CancellationToken cancellationToken = default) : IWorkflowSteps
{
    public Task<TResult> CallAsync<TResult>(string activity, object input) => activities.RunAsync<TResult>(activity, input, cancellationToken);

    public async Task<IAsyncDisposable> LockAsync(IReadOnlyList<string> resources)
    {
        var held = new List<IAsyncDisposable>(resources.Count);
        try
        {
            foreach (var resource in resources) held.Add(await locks.AcquireAsync(resource, cancellationToken));
        }
        catch
        {
            await ReleaseAsync(held);
            throw;
        }
        return new Held(held);
    }

    public async Task DelayAsync(TimeSpan delay, CancellationToken cancelled)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cancelled);
        await Task.Delay(delay, time, either.Token);
    }

    public DateTimeOffset UtcNow => time.GetUtcNow();

    private static async Task ReleaseAsync(List<IAsyncDisposable> held)
    {
        for (var i = held.Count - 1; i >= 0; i--) await held[i].DisposeAsync();
    }

    private sealed class Held(List<IAsyncDisposable> held) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(ReleaseAsync(held));
    }
}

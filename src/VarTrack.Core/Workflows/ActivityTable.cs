namespace VarTrack.Core.Workflows;

/// <summary>
/// Activities by name for in-process hosts. <see cref="Cleanup"/> activities (restores) run even when the host is
/// stopping: a half-written destination is never left behind willingly.
/// </summary>
public sealed class ActivityTable
{
    private readonly Dictionary<string, (Func<object, CancellationToken, Task<object?>> Run, bool Cleanup)> _activities = new(StringComparer.Ordinal);

    public ActivityTable Add<TInput, TResult>(string name, Func<TInput, CancellationToken, Task<TResult>> activity, bool cleanup = false)
    {
        _activities[name] = (async (input, ct) => await activity((TInput)input, ct), cleanup);
        return this;
    }

    public async Task<TResult> RunAsync<TResult>(string name, object input, CancellationToken cancellationToken)
    {
        if (!_activities.TryGetValue(name, out var activity)) throw new InvalidOperationException($"no activity named '{name}'");
        return (TResult)(await activity.Run(input, activity.Cleanup ? CancellationToken.None : cancellationToken))!;
    }
}

using System.Text.Json;
using VarTrack.Core.State;
using VarTrack.Core.Workflows;

namespace VarTrack.Connectors.Tests.Workflows;

/// <summary>
/// Workflow steps that behave like a Durable orchestration's boundary: every activity input and result goes through
/// JSON (so it must survive serialisation) and is recorded, so tests can assert what would land in workflow history.
/// </summary>
public sealed class RecordingSteps(IWorkflowSteps inner) : IWorkflowSteps
{
    public List<string> History { get; } = [];

    public List<string> Activities { get; } = [];

    public async Task<TResult> CallAsync<TResult>(string activity, object input)
    {
        var inputJson = JsonSerializer.Serialize(input, input.GetType(), StateJson.Options);
        lock (History)
        {
            History.Add(inputJson);
            Activities.Add(activity);
        }
        var result = await inner.CallAsync<TResult>(activity, JsonSerializer.Deserialize(inputJson, input.GetType(), StateJson.Options)!);
        var resultJson = JsonSerializer.Serialize(result, StateJson.Options);
        lock (History) History.Add(resultJson);
        return JsonSerializer.Deserialize<TResult>(resultJson, StateJson.Options)!;
    }

    public Task<IAsyncDisposable> LockAsync(IReadOnlyList<string> resources) => inner.LockAsync(resources);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => inner.DelayAsync(delay, cancellationToken);

    public DateTimeOffset UtcNow => inner.UtcNow;
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;

namespace VarTrack.Functions.Tests.Orchestrations;

/// <summary>
/// A mocked <see cref="TaskOrchestrationContext"/> whose activities are test handlers. Like the Durable boundary, every
/// activity input and result goes through JSON (so what cannot be serialised fails here too); the JSON of every input
/// is kept, in call order, with the lock and unlock events.
/// </summary>
public sealed class OrchestrationHarness
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private readonly Dictionary<string, Func<JsonElement, Task<object?>>> _activities = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _events = new();

    public OrchestrationHarness(DateTime? now = null)
    {
        Now = now ?? new DateTime(2025, 3, 14, 9, 30, 0, DateTimeKind.Utc);
        Entities = new Mock<TaskOrchestrationEntityFeature>();
        Entities.Setup(e => e.LockEntitiesAsync(It.IsAny<IEnumerable<EntityInstanceId>>()))
            .Returns((IEnumerable<EntityInstanceId> ids) =>
            {
                var locked = ids.ToList();
                Locks.Add(locked);
                _events.Enqueue("lock");
                return Task.FromResult<IAsyncDisposable>(new Release(() => _events.Enqueue("unlock")));
            });

        Context = new Mock<TaskOrchestrationContext>();
        Context.SetupGet(c => c.CurrentUtcDateTime).Returns(() => Now);
        Context.SetupGet(c => c.InstanceId).Returns("sync-test");
        Context.SetupGet(c => c.IsReplaying).Returns(false);
        Context.SetupGet(c => c.Entities).Returns(Entities.Object);
        Context.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        Context.Setup(c => c.CallActivityAsync<It.IsAnyType>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(new InvocationFunc(invocation => Call(invocation.Method.GetGenericArguments()[0], (TaskName)invocation.Arguments[0]!,
                invocation.Arguments[1], (TaskOptions?)invocation.Arguments[2])));
    }

    public DateTime Now { get; set; }

    public Mock<TaskOrchestrationContext> Context { get; }

    public Mock<TaskOrchestrationEntityFeature> Entities { get; }

    /// <summary>The entity ids of each lock request, in order.</summary>
    public ConcurrentBag<List<EntityInstanceId>> Locks { get; } = [];

    /// <summary>Every activity call: name, input as JSON, options.</summary>
    public ConcurrentQueue<(string Name, string Input, TaskOptions? Options)> Calls { get; } = new();

    /// <summary>Activity names and lock / unlock in the order they happened.</summary>
    public List<string> Events => _events.ToList();

    public IReadOnlyList<string> InputsOf(string activity) => Calls.Where(c => c.Name == activity).Select(c => c.Input).ToList();

    public T Input<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;

    /// <summary>Answers an activity; the handler gets the input as the activity would (deserialised from JSON).</summary>
    public OrchestrationHarness On<TInput, TResult>(string activity, Func<TInput, TResult> handler) =>
        OnAsync<TInput, TResult>(activity, input => Task.FromResult(handler(input)));

    public OrchestrationHarness OnAsync<TInput, TResult>(string activity, Func<TInput, Task<TResult>> handler)
    {
        _activities[activity] = async input => await handler(input.Deserialize<TInput>(Json)!);
        return this;
    }

    private async Task<object?> CallAsync(Type resultType, TaskName name, object? input, TaskOptions? options)
    {
        var json = JsonSerializer.Serialize(input, input?.GetType() ?? typeof(object), Json);
        Calls.Enqueue((name.Name, json, options));
        _events.Enqueue(name.Name);
        if (!_activities.TryGetValue(name.Name, out var handler))
            throw new InvalidOperationException($"no handler for activity '{name.Name}'");
        var result = await handler(JsonDocument.Parse(json).RootElement.Clone());
        return JsonSerializer.Deserialize(JsonSerializer.Serialize(result, Json), resultType, Json);
    }

    // CallActivityAsync<T> returns Task<T>; build it for the T the workflow asked for.
    private object Call(Type resultType, TaskName name, object? input, TaskOptions? options)
    {
        var untyped = CallAsync(resultType, name, input, options);
        var cast = typeof(OrchestrationHarness).GetMethod(nameof(CastAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(resultType);
        return cast.Invoke(null, [untyped])!;
    }

    private static async Task<T> CastAsync<T>(Task<object?> task) => (T)(await task)!;

    private sealed class Release(Action released) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            released();
            return ValueTask.CompletedTask;
        }
    }
}

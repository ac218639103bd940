using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;

namespace VarTrack.Functions.Tests;

/// <summary>
/// A mocked <see cref="DurableTaskClient"/> that remembers what it scheduled: an instance exists once scheduled (as
/// pending), so a second start of the same id can be observed finding it.
/// </summary>
public sealed class DurableClientFake
{
    private readonly Dictionary<string, OrchestrationMetadata> _instances = new(StringComparer.Ordinal);

    public DurableClientFake()
    {
        Mock = new Mock<DurableTaskClient>(MockBehavior.Strict, "test");
        Mock.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns((string id, bool _, CancellationToken _) =>
            {
                Looked.Add(id);
                return Task.FromResult(_instances.GetValueOrDefault(id));
            });
        Mock.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Returns((TaskName name, object? input, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
                Scheduled.Add((name.Name, input, options));
                _instances[id] = new OrchestrationMetadata(name.Name, id) { RuntimeStatus = OrchestrationRuntimeStatus.Pending };
                return Task.FromResult(id);
            });
    }

    public Mock<DurableTaskClient> Mock { get; }

    public DurableTaskClient Client => Mock.Object;

    public List<(string Name, object? Input, StartOrchestrationOptions? Options)> Scheduled { get; } = [];

    /// <summary>Instance ids looked up, in order.</summary>
    public List<string> Looked { get; } = [];

    /// <summary>Makes an instance exist, as if started earlier.</summary>
    public void Add(OrchestrationMetadata instance) => _instances[instance.InstanceId] = instance;
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Moq;
using VarTrack.Functions.Orchestrations;

namespace VarTrack.Functions.Tests.Orchestrations;

public sealed class DurableWorkflowStepsTests
{
    [Fact]
    public async Task LockAsync_takes_one_entity_lock_per_resource_in_one_request_and_releases_it()
    {
        var harness = new OrchestrationHarness();
        var steps = new DurableWorkflowSteps(harness.Context.Object);
        string[] resources = ["cache\nconfig:acme:production", "files\n/srv/config/app.json"];

        var held = await steps.LockAsync(resources);

        var locked = Assert.Single(harness.Locks);
        Assert.Equal(resources.Select(Expected), locked);
        Assert.Equal(["lock"], harness.Events);
        await held.DisposeAsync();
        Assert.Equal(["lock", "unlock"], harness.Events);
        harness.Entities.Verify(e => e.LockEntitiesAsync(It.IsAny<IEnumerable<EntityInstanceId>>()), Times.Once);
    }

    [Fact]
    public async Task DelayAsync_is_a_durable_timer_at_orchestration_time_plus_the_delay_with_the_callers_token()
    {
        var harness = new OrchestrationHarness(new DateTime(2026, 11, 23, 3, 15, 0, DateTimeKind.Utc));
        harness.Context.CallBase = true;
        var fired = new List<(DateTime FireAt, CancellationToken Token)>();
        harness.Context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime at, CancellationToken token) =>
            {
                fired.Add((at, token));
                return Task.CompletedTask;
            });
        using var cancel = new CancellationTokenSource();

        await new DurableWorkflowSteps(harness.Context.Object).DelayAsync(TimeSpan.FromMinutes(5), cancel.Token);

        var (fireAt, token) = Assert.Single(fired);
        Assert.Equal(new DateTime(2026, 11, 23, 3, 20, 0, DateTimeKind.Utc), fireAt);
        Assert.Equal(cancel.Token, token);
    }

    [Fact]
    public async Task LockAsync_locks_a_repeated_resource_once()
    {
        var harness = new OrchestrationHarness();
        var steps = new DurableWorkflowSteps(harness.Context.Object);

        await steps.LockAsync(["cache\nx", "cache\nx"]);

        Assert.Equal([Expected("cache\nx")], Assert.Single(harness.Locks));
    }

    [Fact]
    public async Task LockAsync_with_nothing_to_lock_requests_no_lock()
    {
        var harness = new OrchestrationHarness();
        var steps = new DurableWorkflowSteps(harness.Context.Object);

        await (await steps.LockAsync([])).DisposeAsync();

        Assert.Empty(harness.Locks);
        harness.Entities.Verify(e => e.LockEntitiesAsync(It.IsAny<IEnumerable<EntityInstanceId>>()), Times.Never);
    }

    [Fact]
    public void Lock_entity_keys_are_safe_whatever_the_resource()
    {
        var resource = "zk\n/" + string.Concat(Enumerable.Repeat("very/deep/path/with spaces/@and#marks/", 20));

        var id = DestinationLock.IdFor(resource);

        Assert.Equal("destinationlock", id.Name);
        Assert.Matches("^[0-9a-f]{64}$", id.Key);
        Assert.True(id.ToString().Length <= 100);
        Assert.NotEqual(id, DestinationLock.IdFor(resource + "x"));
        Assert.Equal(id, DestinationLock.IdFor(resource));
    }

    [Fact]
    public void UtcNow_is_the_replay_safe_orchestration_time()
    {
        var harness = new OrchestrationHarness(new DateTime(2025, 3, 14, 9, 30, 12, DateTimeKind.Utc));
        var steps = new DurableWorkflowSteps(harness.Context.Object);

        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 30, 12, TimeSpan.Zero), steps.UtcNow);
        harness.Now = harness.Now.AddMinutes(1);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 31, 12, TimeSpan.Zero), steps.UtcNow);
    }

    [Fact]
    public async Task CallAsync_calls_the_named_activity_with_the_retry_policy()
    {
        var harness = new OrchestrationHarness();
        harness.On<string, int>("count-keys", input => input.Length);
        var steps = new DurableWorkflowSteps(harness.Context.Object);

        var result = await steps.CallAsync<int>("count-keys", "abcd");

        Assert.Equal(4, result);
        var call = Assert.Single(harness.Calls);
        Assert.Equal(("count-keys", "\"abcd\""), (call.Name, call.Input));
        Assert.Same(DurableWorkflowSteps.ActivityOptions, call.Options);
    }

    private static EntityInstanceId Expected(string resource) =>
        new("DestinationLock", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(resource))));
}

using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Orchestrations;
using static VarTrack.Functions.Tests.Orchestrations.SyncFixtures;

namespace VarTrack.Functions.Tests.Orchestrations;

public sealed class SyncOrchestratorTests
{
    [Fact]
    public async Task Plans_and_writes_every_destination_in_parallel_under_one_lock()
    {
        var harness = new OrchestrationHarness();
        var writesRequested = 0;
        var allWritesRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness
            .On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, Resolved)
            .On<DestinationStep, DestinationPlanResult>(SyncActivities.Plan, Plan)
            .OnAsync<DestinationStep, DestinationWriteResult>(SyncActivities.Write, async _ =>
            {
                // No write answers before all three were requested: a sequential workflow would wait here forever.
                if (Interlocked.Increment(ref writesRequested) == Destinations.Count) allWritesRequested.SetResult();
                await allWritesRequested.Task.WaitAsync(TimeSpan.FromSeconds(10));
                return DestinationWriteResult.Success;
            })
            .On<RecordStep, bool>(SyncActivities.Record, _ => true)
            .On<SyncFinish, bool>(SyncResolver.Finish, _ => true);

        var record = await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.Equal(Request.SyncId, record.Id);
        var file = Assert.Single(record.Files);
        Assert.All(file.Sinks, s => Assert.Equal(SinkOutcome.Applied, s.Outcome));
        Assert.Equal(Destinations.Select(d => d.Destination).Order(), file.Sinks.Select(s => s.Destination).Order());

        var plans = harness.InputsOf(SyncActivities.Plan).Select(harness.Input<DestinationStep>).ToList();
        Assert.Equal(3, plans.Count);
        Assert.Equal(Destinations.Select(d => d.LockKey).Order(), plans.Select(p => p.Destination.LockKey).Order());
        var writes = harness.InputsOf(SyncActivities.Write).Select(harness.Input<DestinationStep>).ToList();
        Assert.Equal(3, writes.Count);
        Assert.All(writes, w => Assert.Equal([WritePhase.Upsert], w.Phases));
        Assert.Empty(harness.InputsOf(SyncActivities.Restore));

        var recorded = harness.Input<RecordStep>(Assert.Single(harness.InputsOf(SyncActivities.Record)));
        Assert.Equal(3, recorded.Applied.Count);
        var finish = harness.Input<SyncFinish>(Assert.Single(harness.InputsOf(SyncResolver.Finish)));
        Assert.Equal(Commit, finish.Commit);

        // One critical section over the three destinations, held from planning to recording.
        var locked = Assert.Single(harness.Locks);
        Assert.Equal(Destinations.Select(d => d.LockKey).Order(StringComparer.Ordinal).Select(DestinationLock.IdFor), locked);
        var events = harness.Events;
        Assert.True(events.IndexOf("lock") < events.IndexOf(SyncActivities.Plan));
        Assert.True(events.IndexOf(SyncActivities.Record) < events.IndexOf("unlock"));
        Assert.True(events.IndexOf("unlock") < events.IndexOf(SyncResolver.Finish));
    }

    [Fact]
    public async Task A_failed_write_restores_every_written_destination_and_records_nothing_applied()
    {
        var harness = new OrchestrationHarness();
        harness
            .On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, Resolved)
            .On<DestinationStep, DestinationPlanResult>(SyncActivities.Plan, Plan)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Write, step => step.Destination.Destination == Destinations[1].Destination
                ? new DestinationWriteResult(false, true, "redis refused the write: READONLY")
                : DestinationWriteResult.Success)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Restore, _ => DestinationWriteResult.Success)
            .On<RecordStep, bool>(SyncActivities.Record, _ => true)
            .On<SyncFinish, bool>(SyncResolver.Finish, _ => true);

        var record = await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.Equal(SyncState.Failed, record.State);
        var sinks = Assert.Single(record.Files).Sinks.ToDictionary(s => s.Destination);
        Assert.Equal(SinkOutcome.RolledBack, sinks[Destinations[0].Destination].Outcome);
        Assert.Equal(SinkOutcome.Failed, sinks[Destinations[1].Destination].Outcome);
        Assert.Equal("redis refused the write: READONLY", sinks[Destinations[1].Destination].Error);
        Assert.Equal(SinkOutcome.RolledBack, sinks[Destinations[2].Destination].Outcome);

        var restores = harness.InputsOf(SyncActivities.Restore).Select(harness.Input<DestinationStep>).ToList();
        Assert.Equal(Destinations.Select(d => d.LockKey).Order(), restores.Select(r => r.Destination.LockKey).Order());
        Assert.All(restores, r => Assert.Equal([WritePhase.Upsert], r.Phases));
        Assert.Empty(harness.Input<RecordStep>(Assert.Single(harness.InputsOf(SyncActivities.Record))).Applied);
        Assert.Empty(harness.InputsOf(SyncResolver.Finish));
        Assert.True(harness.Events.IndexOf(SyncActivities.Restore) < harness.Events.IndexOf("unlock"));
    }

    [Fact]
    public async Task An_activity_that_throws_counts_as_a_failed_write_and_is_restored()
    {
        var harness = new OrchestrationHarness();
        harness
            .On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, Resolved)
            .On<DestinationStep, DestinationPlanResult>(SyncActivities.Plan, Plan)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Write, step => step.Destination.Type == "file"
                ? throw new InvalidOperationException("worker recycled")
                : DestinationWriteResult.Success)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Restore, _ => DestinationWriteResult.Success)
            .On<RecordStep, bool>(SyncActivities.Record, _ => true);

        var record = await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.Equal(SyncState.Failed, record.State);
        var failed = Assert.Single(Assert.Single(record.Files).Sinks, s => s.Outcome == SinkOutcome.Failed);
        Assert.Equal("/srv/config/app.json", failed.Destination);
        Assert.Equal("sync-write: worker recycled", failed.Error);
        Assert.Equal(3, harness.InputsOf(SyncActivities.Restore).Count);
    }

    [Fact]
    public async Task Activity_inputs_carry_references_only_never_a_secret_value()
    {
        var harness = new OrchestrationHarness();
        harness
            .On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, Resolved)
            .On<DestinationStep, DestinationPlanResult>(SyncActivities.Plan, Plan)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Write, step => step.Destination.Type == "file"
                ? new DestinationWriteResult(false, true, "disk full")
                : DestinationWriteResult.Success)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Restore, _ => DestinationWriteResult.Success)
            .On<RecordStep, bool>(SyncActivities.Record, _ => true);

        var record = await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.NotEmpty(harness.Calls);
        foreach (var (name, input, _) in harness.Calls)
        {
            Assert.DoesNotContain(SecretValue, input, StringComparison.Ordinal);
            // Inputs name what to load (repository, commit, file, destination), never values.
            Assert.DoesNotContain("\"Values\"", input, StringComparison.Ordinal);
            Assert.Contains(name, new[] { SyncResolver.Resolve, SyncActivities.Plan, SyncActivities.Write, SyncActivities.Restore, SyncActivities.Record });
        }
        // The record kept in the orchestration history holds the masked summary only.
        var json = System.Text.Json.JsonSerializer.Serialize(record);
        Assert.DoesNotContain(SecretValue, json, StringComparison.Ordinal);
        Assert.Contains("***", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_activity_is_called_with_the_retry_policy()
    {
        var harness = new OrchestrationHarness();
        harness
            .On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, Resolved)
            .On<DestinationStep, DestinationPlanResult>(SyncActivities.Plan, Plan)
            .On<DestinationStep, DestinationWriteResult>(SyncActivities.Write, _ => DestinationWriteResult.Success)
            .On<RecordStep, bool>(SyncActivities.Record, _ => true)
            .On<SyncFinish, bool>(SyncResolver.Finish, _ => true);

        await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.All(harness.Calls, c => Assert.Same(DurableWorkflowSteps.ActivityOptions, c.Options));
        var policy = DurableWorkflowSteps.ActivityOptions.Retry?.Policy;
        Assert.NotNull(policy);
        Assert.Equal(3, policy.MaxNumberOfAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.FirstRetryInterval);
    }

    [Fact]
    public async Task A_request_that_cannot_be_resolved_fails_without_touching_a_destination()
    {
        var harness = new OrchestrationHarness();
        harness.On<SyncRequest, ResolvedSync>(SyncResolver.Resolve, _ => new ResolvedSync([], [], "commit 0d1a26e not found in acme/app"));

        var record = await SyncOrchestrator.RunAsync(harness.Context.Object, Request);

        Assert.Equal(SyncState.Failed, record.State);
        Assert.Equal("commit 0d1a26e not found in acme/app", record.Error);
        Assert.Equal([SyncResolver.Resolve], harness.Events);
        Assert.Equal(new DateTimeOffset(harness.Now), record.StartedAt);
    }
}

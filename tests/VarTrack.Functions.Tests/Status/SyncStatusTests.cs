using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using VarTrack.Core.State;
using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;
using VarTrack.Functions.Orchestrations;
using VarTrack.Functions.Status;
using static VarTrack.Functions.Tests.Orchestrations.SyncFixtures;

namespace VarTrack.Functions.Tests.Status;

public sealed class SyncStatusTests
{
    private static readonly DateTimeOffset Created = new(2025, 3, 14, 9, 27, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Updated = new(2025, 3, 14, 9, 27, 41, TimeSpan.Zero);

    private readonly InMemoryStateStore _state = new();
    private readonly DurableClientFake _durable = new();

    [Fact]
    public void A_pending_instance_is_a_queued_sync()
    {
        var record = SyncStatus.From(Instance(OrchestrationRuntimeStatus.Pending))!;

        Assert.Equal(SyncState.Queued, record.State);
        Assert.Equal(Request.SyncId, record.Id);
        Assert.Equal(Request, record.Request);
        Assert.Null(record.StartedAt);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Suspended)]
    public void A_running_or_suspended_instance_is_a_running_sync(OrchestrationRuntimeStatus status)
    {
        var record = SyncStatus.From(Instance(status))!;

        Assert.Equal(SyncState.Running, record.State);
        Assert.Equal(Created, record.StartedAt);
        Assert.Null(record.FinishedAt);
    }

    [Fact]
    public void A_completed_instance_is_the_record_the_workflow_returned()
    {
        var finished = new SyncRecord(Request.SyncId, SyncState.Succeeded, Request)
        {
            StartedAt = Created,
            FinishedAt = Updated,
            Files = [new SyncReport("config/app.yaml", "app", "production", Commit, [new SinkReport("cache", "redis", "config:acme:production", SinkOutcome.Applied)])],
        };

        var record = SyncStatus.From(Instance(OrchestrationRuntimeStatus.Completed, output: finished))!;

        Assert.Equal(SyncState.Succeeded, record.State);
        Assert.Equal(SinkOutcome.Applied, Assert.Single(Assert.Single(record.Files).Sinks).Outcome);
        Assert.Equal(Updated, record.FinishedAt);
    }

    [Fact]
    public void A_failed_orchestration_is_a_failed_sync_with_its_message()
    {
        var record = SyncStatus.From(Instance(OrchestrationRuntimeStatus.Failed,
            failure: new TaskFailureDetails("System.InvalidOperationException", "Non-deterministic workflow detected", null, null)))!;

        Assert.Equal(SyncState.Failed, record.State);
        Assert.Equal("internal error: Non-deterministic workflow detected", record.Error);
        Assert.Equal(Updated, record.FinishedAt);
    }

    [Fact]
    public void A_terminated_orchestration_is_an_abandoned_sync()
    {
        var record = SyncStatus.From(Instance(OrchestrationRuntimeStatus.Terminated))!;

        Assert.Equal(SyncState.Abandoned, record.State);
        Assert.Contains("terminated", record.Error);
    }

    [Fact]
    public async Task The_route_answers_the_record_in_the_server_shape()
    {
        _durable.Add(Instance(OrchestrationRuntimeStatus.Running));

        var result = await GetAsync(Request.SyncId);

        Assert.Equal(200, result.StatusCode);
        using var body = JsonDocument.Parse(result.Content!);
        Assert.Equal(Request.SyncId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("running", body.RootElement.GetProperty("state").GetString());
        Assert.Equal("acme/app", body.RootElement.GetProperty("request").GetProperty("repository").GetString());
        Assert.Equal(JsonSerializer.Serialize(SyncStatus.From(Instance(OrchestrationRuntimeStatus.Running)), StateJson.Options), result.Content);
    }

    [Fact]
    public async Task A_sync_that_is_not_an_orchestration_comes_from_the_state_store()
    {
        var heal = new SyncRecord(SyncIds.For("heal:x", "heal", "1"), SyncState.Succeeded, Request with { Trigger = "heal" }) { StartedAt = Created };
        await new SyncRecordStore(_state).SaveAsync(heal);

        var result = await GetAsync(heal.Id);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(JsonSerializer.Serialize(heal, StateJson.Options), result.Content);
    }

    [Fact]
    public async Task An_unknown_sync_is_404_and_a_malformed_id_is_400()
    {
        var missing = await GetAsync("sync-aaaaaaaaaaaaaaaaaaaaaaaa");
        var malformed = await GetAsync("drift-0123456789abcdef-20250314T073000Z");

        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("""{"error":"not_found","message":"no sync sync-aaaaaaaaaaaaaaaaaaaaaaaa"}""", missing.Content);
        Assert.Equal(400, malformed.StatusCode);
        Assert.Equal("bad_id", JsonDocument.Parse(malformed.Content!).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("drift-0123456789abcdef-20250314T073000Z", _durable.Looked);
    }

    private async Task<ContentResult> GetAsync(string id)
    {
        var function = new SyncStatusFunction(new SyncRecordStore(_state));
        var result = await function.GetAsync(new DefaultHttpContext().Request, id, _durable.Client, CancellationToken.None);
        return Assert.IsType<ContentResult>(result);
    }

    // Serialised as the worker stores inputs and outputs (System.Text.Json defaults).
    private static OrchestrationMetadata Instance(OrchestrationRuntimeStatus status, SyncRecord? output = null, TaskFailureDetails? failure = null) =>
        new(SyncOrchestrator.Name, Request.SyncId)
        {
            DataConverter = JsonDataConverter.Default,
            RuntimeStatus = status,
            CreatedAt = Created,
            LastUpdatedAt = Updated,
            SerializedInput = JsonDataConverter.Default.Serialize(Request),
            SerializedOutput = output is null ? null : JsonDataConverter.Default.Serialize(output),
            FailureDetails = failure,
        };
}

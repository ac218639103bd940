using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Workflows;

namespace VarTrack.Functions.Orchestrations;

/// <summary>One sync request (one commit of one repository) through Core's <see cref="SyncWorkflow"/>; the instance id is the sync id.</summary>
public static class SyncOrchestrator
{
    public const string Name = "SyncOrchestrator";

    [Function(Name)]
    public static async Task<SyncRecord> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, SyncRequest request)
    {
        var logger = context.CreateReplaySafeLogger(typeof(SyncOrchestrator).FullName!);
        var record = await SyncWorkflow.RunAsync(new DurableWorkflowSteps(context), request);
        foreach (var file in record.Files)
        {
            foreach (var problem in file.Problems)
                logger.LogWarning("sync {SyncId} {File} ({Rule}): {Problem}", record.Id, file.File, file.Rule, problem);
            foreach (var sink in file.Sinks)
                logger.LogInformation("sync {SyncId} {File} ({Rule}, {Environment}) -> {Sink} {Destination}: {Outcome}{Error}",
                    record.Id, file.File, file.Rule, file.Environment, sink.Sink, sink.Destination, sink.Outcome, sink.Error is null ? "" : " " + sink.Error);
        }
        logger.LogInformation("sync {SyncId} {State}{Error}", record.Id, record.State, record.Error is null ? "" : ": " + record.Error);
        return record;
    }
}

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
        SyncRecordLog.Write(logger, record);
        return record;
    }
}

using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Drift;

namespace VarTrack.Functions.Orchestrations;

/// <summary>One drift check (the watched destinations of one rule) through Core's <see cref="DriftWorkflow"/>; started by the drift timer.</summary>
public static class DriftOrchestrator
{
    public const string Name = "DriftOrchestrator";

    [Function(Name)]
    public static async Task<DriftRun> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, DriftRequest request)
    {
        var logger = context.CreateReplaySafeLogger(typeof(DriftOrchestrator).FullName!);
        var reports = await DriftWorkflow.RunAsync(new DurableWorkflowSteps(context), request);
        foreach (var report in reports) DriftReportLog.Write(logger, report);
        return new DriftRun(request.Rule, reports);
    }
}

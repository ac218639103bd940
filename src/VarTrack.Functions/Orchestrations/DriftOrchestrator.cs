using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Drift;
using VarTrack.Core.Planning;

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
        foreach (var report in reports.Where(r => r.State != DriftState.InSync))
        {
            // Values in reports are already masked for secret keys.
            var delta = string.Join(", ", report.Keys.Select(k => k.Kind switch
            {
                ChangeKind.Add => $"+{k.Key}={k.After ?? "null"}",
                ChangeKind.Remove => $"-{k.Key} (was {k.Before ?? "null"})",
                _ => $"~{k.Key}: {k.Before ?? "null"} -> {k.After ?? "null"}",
            }));
            logger.LogWarning("drift at sink {Sink} destination {Destination} ({Rule} {File}): {State} {Added} added, {Changed} changed, {Removed} removed [{Delta}]{Error}",
                report.Sink, report.Destination, report.Rule, report.File, report.State, report.Added, report.Changed, report.Removed, delta,
                report.Error is null ? "" : " " + report.Error);
        }
        return new DriftRun(request.Rule, reports);
    }
}

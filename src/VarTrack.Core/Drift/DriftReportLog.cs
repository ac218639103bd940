using Microsoft.Extensions.Logging;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Drift;

/// <summary>How every host logs a drift check that found something: counts and the per-key delta (values already masked).</summary>
public static class DriftReportLog
{
    public static void Write(ILogger logger, DriftReport report)
    {
        if (report.State == DriftState.InSync) return;
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
}

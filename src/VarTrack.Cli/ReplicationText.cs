using System.Globalization;
using VarTrack.Core.Replication;

namespace VarTrack.Cli;

/// <summary>The text form of replication cycles and status: one line per owner, then its errors indented.</summary>
internal static class ReplicationText
{
    public static async Task WriteCycleAsync(TextWriter output, OwnerCycle cycle)
    {
        var counts = cycle.Owner.StartsWith("origin-", StringComparison.Ordinal)
            ? $"{cycle.Paths} paths, {cycle.Changed} changed"
            : $"{cycle.Paths} paths, {cycle.Copied} copied, {cycle.Deleted} deleted, {cycle.Pending} pending";
        await output.WriteLineAsync($"{cycle.Owner}: {Outcome(cycle.Outcome)} ({cycle.CycleId}, {Seconds(cycle.Finished - cycle.Started)}): {counts}");
        await WriteErrorsAsync(output, cycle.Errors);
    }

    public static async Task WriteStatusAsync(TextWriter output, ReplicationStatusView view)
    {
        if (view.Owners.Count == 0)
        {
            await output.WriteLineAsync("no replication cycle has run yet");
            return;
        }
        foreach (var owner in view.Owners)
        {
            var last = owner.Last;
            var when = last.Finished.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var detail = owner.IsOrigin
                ? $"{last.Paths} paths"
                : $"{owner.PathsInSync}/{last.Paths} paths in sync, {owner.Pending} pending";
            await output.WriteLineAsync($"{owner.Owner}: {(owner.InSync ? "in sync" : "NOT in sync")}; last cycle {Outcome(last.Outcome)} at {when}; {detail}");
            await WriteErrorsAsync(output, owner.Errors);
        }
    }

    private static async Task WriteErrorsAsync(TextWriter output, IReadOnlyList<string> errors)
    {
        foreach (var error in errors) await output.WriteLineAsync("  error: " + error);
    }

    private static string Outcome(CycleOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

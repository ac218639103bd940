using System.CommandLine;
using System.Text.Json;
using VarTrack.Core.Drift;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt status --server URL</c>: every destination the server applied to, one line each: sink, destination, rule,
/// file, environment, commit, applied time, keys, and the last drift check (state, counts, heal).
/// </summary>
internal static class ServerStatusLines
{
    public static async Task<int> RunAsync(ServerContext context, ParseResult parse, VtOptions options, string[] files, CancellationToken ct)
    {
        if (files.Length > 0 || parse.GetValue(options.Sink) is { Length: > 0 } || parse.GetValue(options.Environment) is not null ||
            parse.GetValue(options.Rule) is not null || parse.GetValue(options.Ref) is not null)
            throw new UsageException("with --server, status shows every destination the server tracks; FILE, --sink, --env, --rule and --ref apply only without --server");

        var (status, json) = await context.Client.GetStatusAsync(ct);
        if (context.JsonOutput) await context.WriteJsonAsync(json);
        else if (status.Destinations.Count == 0) await context.Output.WriteLineAsync("the server has not applied anything yet");
        else
            foreach (var destination in status.Destinations)
                await context.Output.WriteLineAsync(Line(destination));
        return ExitCodes.Ok;
    }

    public static string Line(DestinationStatus d) =>
        $"{d.Sink} {d.Destination}  rule={d.Rule} file={d.File} env={d.Environment}  commit {SyncRecordText.Short(d.Commit)} applied {SyncRecordText.Time(d.AppliedAt)}, " +
        $"{d.Keys} keys, drift: {Drift(d.Drift)}";

    private static string Drift(DriftReport? drift)
    {
        if (drift is null) return "not checked";
        var counts = drift.State is DriftState.InSync or DriftState.Unreachable ? "" : $"{drift.Added} added, {drift.Changed} changed, {drift.Removed} removed; ";
        return $"{JsonNamingPolicy.SnakeCaseLower.ConvertName(drift.State.ToString())} ({counts}checked {SyncRecordText.Time(drift.CheckedAt)})" +
               (drift.HealedAt is { } healed ? $" healed {SyncRecordText.Time(healed)}" : "") +
               (drift.HealSyncId is { } heal ? $" by {heal}" : "") +
               (drift.Error is { } error ? $"  error: {error}" : "");
    }
}

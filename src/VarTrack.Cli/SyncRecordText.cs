using VarTrack.Core.Sync;
using VarTrack.Core.Workflows;

namespace VarTrack.Cli;

/// <summary>How <c>vt syncs</c> and <c>vt sync --server --wait</c> show a server's sync records, and the exit code a record means.</summary>
internal static class SyncRecordText
{
    public static bool IsFinished(SyncState state) => state is SyncState.Succeeded or SyncState.Failed or SyncState.Abandoned;

    /// <summary>
    /// 0 succeeded, 1 failed or abandoned. A sync still queued or running is not a failure of the command: 0, with the
    /// state printed (ExitCodes has no "not finished" code).
    /// </summary>
    public static int ExitCodeFor(SyncRecord record) => record.State is SyncState.Failed or SyncState.Abandoned ? ExitCodes.Failure : ExitCodes.Ok;

    public static string State(SyncState state) => state switch
    {
        SyncState.Queued => "queued",
        SyncState.Running => "running",
        SyncState.Succeeded => "succeeded",
        SyncState.Failed => "FAILED",
        _ => "ABANDONED",
    };

    /// <summary>One line of <c>vt syncs list</c>: id, state, trigger, repository, ref, short commit, finished time.</summary>
    public static string ListLine(SyncRecord record) =>
        $"{record.Id}  {State(record.State),-9}  {record.Request.Trigger,-7}  {record.Request.Repository}  {record.Request.Ref}  {Short(record.Request.Commit)}  " +
        (record.FinishedAt is { } finished ? Time(finished) : "-");

    /// <summary>What <c>vt syncs show</c> prints: the state and error, then per file one line per destination and the file's problems.</summary>
    public static async Task WriteAsync(TextWriter output, SyncRecord record)
    {
        var request = record.Request;
        await output.WriteLineAsync($"sync {record.Id}: {State(record.State)}" + (IsFinished(record.State) ? "" : " (not finished)"));
        await output.WriteLineAsync($"  {request.Trigger} {request.Repository} {request.Ref} {Short(request.Commit)}" +
                                    (request.Files is { Count: > 0 } files ? $"  files: {string.Join(", ", files)}" : ""));
        await output.WriteLineAsync($"  requested {Time(request.RequestedAt)}" +
                                    (record.StartedAt is { } started ? $", started {Time(started)}" : "") +
                                    (record.FinishedAt is { } finished ? $", finished {Time(finished)}" : ""));
        if (record.Error is { } error) await output.WriteLineAsync($"  error: {error}");
        if (record.Files.Count == 0 && IsFinished(record.State)) await output.WriteLineAsync("  no file synced");
        foreach (var file in record.Files)
        {
            await output.WriteLineAsync($"{file.File}  rule={file.Rule} env={file.Environment}" + (file.Commit is { } commit ? $"  commit {Short(commit)}" : "") +
                                        (file.Deleted ? "  (deleted)" : ""));
            foreach (var sink in file.Sinks)
                await output.WriteLineAsync("  " + DestinationLine(sink));
            foreach (var problem in file.Problems)
                await output.WriteLineAsync($"  problem: {problem}");
        }
    }

    /// <summary>The same words and counts as the lines <c>vt sync</c> prints when it writes the sinks itself.</summary>
    public static string DestinationLine(SinkReport sink) =>
        $"{SyncCommand.OutcomeText(sink.Outcome),-9} {sink.Sink} ({sink.Type}) {sink.Destination}" +
        (sink.Changes is { } c && sink.Outcome is SinkOutcome.Applied or SinkOutcome.Unchanged ? $"  {SyncCommand.Counts(c)}" : "") +
        (sink.Changes?.SkipReason is { } skip ? $"  skipped: {skip}" : "") +
        (sink.Error is { } e ? $"  {e}" : "");

    public static string Short(string? commit) => commit is null ? "-" : commit.Length > 7 ? commit[..7] : commit;

    public static string Time(DateTimeOffset time) => time.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
}

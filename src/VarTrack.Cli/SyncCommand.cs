using System.CommandLine;
using System.Text.Json;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt sync FILE... --env E</c>: render each file and write exactly the difference to every sink of its rules, with
/// the same executor the servers use (snapshots, rollback on failure, prune after writes). One line per destination as
/// it finishes; exit 1 if any destination failed. With <c>--server</c> the server does the work (<see cref="ServerSync"/>).
/// </summary>
internal static class SyncCommand
{
    public static Command Create(VtOptions options)
    {
        var files = new Argument<string[]>("file") { Description = "The config files to sync.", Arity = ArgumentArity.OneOrMore };
        var commit = new Option<string?>("--commit") { Description = "The commit the files come from (recorded in provenance; an older commit than the one applied is skipped)." };
        var command = new Command("sync", "Write each file's rendered keys to its rules' sinks: exactly the difference, rolled back if any sink fails.") { files, commit };
        options.AddSelection(command, sinks: true);
        options.AddServer(command);
        var server = new ServerSync();
        server.AddTo(command);
        command.SetAction((parse, ct) => parse.GetValue(options.Server) is not null
            ? options.RunServerAsync(parse, context => server.RunAsync(context, parse, options, parse.GetValue(files)!, parse.GetValue(commit), ct))
            : options.RunAsync(parse, async context =>
        {
            server.RejectWithoutServer(parse);
            var jobs = new List<SyncJob>();
            foreach (var file in parse.GetValue(files)!)
                jobs.AddRange(await context.JobsForAsync(file, parse.GetValue(options.Rule), parse.GetValue(options.Environment), parse.GetValue(options.Ref), parse.GetValue(options.Sink), parse.GetValue(commit), ct));

            var total = jobs.Sum(j => j.Destinations.Count);
            var progress = new ProgressLines(context, total);
            if (!context.JsonOutput) await context.Error.WriteLineAsync($"syncing {jobs.Count} file/rule pair(s) to {total} destination(s)");
            var executor = context.Executor;
            var reports = new List<SyncReport>();
            foreach (var job in jobs)
                reports.Add(await executor.RunAsync(job, progress, ct));

            if (context.JsonOutput)
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(reports.Select(ToJson), CliContext.Json));
            else
            {
                var outcomes = reports.SelectMany(r => r.Sinks).GroupBy(s => s.Outcome).Select(g => $"{g.Count()} {OutcomeText(g.Key)}");
                await context.Output.WriteLineAsync($"done: {string.Join(", ", outcomes)}");
            }
            return reports.All(r => r.Succeeded) ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    public static string OutcomeText(SinkOutcome outcome) => outcome switch
    {
        SinkOutcome.Applied => "applied",
        SinkOutcome.Unchanged => "unchanged",
        SinkOutcome.SkippedOlderCommit => "skipped (older commit)",
        SinkOutcome.NotWritten => "not written",
        SinkOutcome.Failed => "FAILED",
        SinkOutcome.RolledBack => "rolled back",
        _ => "ROLLBACK FAILED",
    };

    public static string Counts(ChangeSummary? changes) => changes is null
        ? ""
        : $"{changes.Count(ChangeKind.Add)} added, {changes.Count(ChangeKind.Change) + changes.Count(ChangeKind.Rewrite)} changed, " +
          $"{changes.Count(ChangeKind.Remove)} removed, {changes.UnchangedCount} unchanged";

    private static object ToJson(SyncReport report) => new
    {
        file = report.File,
        rule = report.Rule,
        environment = report.Environment,
        commit = report.Commit,
        succeeded = report.Succeeded,
        sinks = report.Sinks.Select(s => new
        {
            sink = s.Sink,
            type = s.Type,
            destination = s.Destination,
            outcome = s.Outcome.ToString(),
            error = s.Error,
            previous_commit = s.PreviousCommit,
            changes = s.Changes?.Changes.Select(c => new { key = c.Key, kind = c.Kind.ToString().ToLowerInvariant(), before = c.Before, after = c.After }),
            unchanged = s.Changes?.UnchangedCount,
        }),
    };

    /// <summary>Writes one numbered line per finished destination (to stderr in JSON mode, so stdout stays one document).</summary>
    private sealed class ProgressLines(CliContext context, int total) : IProgress<SinkReport>
    {
        private int _done;

        public void Report(SinkReport value)
        {
            var line = $"[{Interlocked.Increment(ref _done)}/{total}] {OutcomeText(value.Outcome),-9} {value.Sink} ({value.Type}) {value.Destination}" +
                       (value.Changes is { } c && value.Outcome is SinkOutcome.Applied or SinkOutcome.Unchanged ? $"  {Counts(c)}" : "") +
                       (value.Error is { } e ? $"  {e}" : "");
            var writer = context.JsonOutput ? context.Error : context.Output;
            lock (writer) writer.WriteLine(line);
        }
    }
}

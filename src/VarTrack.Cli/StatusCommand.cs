using System.CommandLine;
using System.Text.Json;
using VarTrack.Core.Config;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt status [FILE...]</c>: per destination, what was applied (commit, time, key count from the provenance the
/// sink keeps) and whether the live values drifted from what the file in the working tree renders to. Reads only.
/// With <c>--server</c> it shows the server's view instead (<see cref="ServerStatusLines"/>).
/// </summary>
internal static class StatusCommand
{
    private static readonly string[] SkippedFolders = [".git", "bin", "obj", "node_modules", ".services", ".vartrack", ".state"];

    public static Command Create(VtOptions options)
    {
        var files = new Argument<string[]>("file") { Description = "Config files (default: every file the rules' file globs match under the config folder).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("status", "Show per destination the applied commit, time, key count and whether it drifted from the file.") { files };
        options.AddSelection(command, sinks: true);
        options.AddServer(command);
        command.SetAction((parse, ct) => parse.GetValue(options.Server) is not null
            ? options.RunServerAsync(parse, context => ServerStatusLines.RunAsync(context, parse, options, parse.GetValue(files) ?? [], ct))
            : options.RunAsync(parse, async context =>
        {
            var named = parse.GetValue(files) ?? [];
            var selected = named.Length > 0 ? named : TrackedFiles(context.Config);
            var rows = new List<StatusRow>();
            foreach (var file in selected)
                foreach (var job in await context.JobsForAsync(file, parse.GetValue(options.Rule), parse.GetValue(options.Environment), parse.GetValue(options.Ref), parse.GetValue(options.Sink), null, ct))
                    foreach (var plan in await context.Executor.PlanAsync(job, ct))
                        rows.Add(StatusRow.From(job, plan));

            if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(rows.Select(r => r.ToJson()), CliContext.Json));
            else
                foreach (var row in rows) await context.Output.WriteLineAsync(row.ToString());
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Files under the config folder matched by some rule's file globs (rules without globs match anything, so they need named files).</summary>
    private static IReadOnlyList<string> TrackedFiles(VarTrackConfig config)
    {
        var rules = config.Rules.Where(r => r.Files.Count > 0).ToList();
        if (rules.Count == 0) throw new UsageException("no rule has file globs; name the files: vt status FILE...");
        var found = new List<string>();
        var pending = new Stack<string>([config.BaseDirectory]);
        while (pending.TryPop(out var folder))
        {
            foreach (var sub in Directory.EnumerateDirectories(folder))
                if (!SkippedFolders.Contains(Path.GetFileName(sub))) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var relative = Path.GetRelativePath(config.BaseDirectory, file).Replace('\\', '/');
                if (rules.Any(r => r.TracksFile(relative))) found.Add(file);
            }
        }
        found.Sort(StringComparer.Ordinal);
        return found.Count > 0 ? found : throw new UsageException("no file under the config folder matches a rule's file globs");
    }

    private sealed record StatusRow(string File, string Rule, string Environment, string Sink, string Type, string Destination,
        string? Commit, DateTimeOffset? AppliedAt, int Keys, bool Synced, int Drifted)
    {
        public static StatusRow From(SyncJob job, DestinationPlan plan)
        {
            var provenance = plan.Snapshot.Provenance;
            // Drift compares values whatever the rule's strategy (smart_repair would only compare hashes).
            var drift = Planner.Plan(job.File.Values, plan.Snapshot, PlanOptions.For(job.Rule) with { Strategy = SyncStrategy.Auto });
            return new StatusRow(job.File.File, job.Rule.Name, job.File.Environment, plan.Destination.Sink.Name, plan.Destination.Sink.Type,
                plan.Destination.Destination, provenance?.Commit, provenance?.AppliedAt, provenance?.OwnedKeys.Count ?? 0, provenance is not null, drift.Changes.Count);
        }

        public object ToJson() => new
        {
            file = File,
            rule = Rule,
            environment = Environment,
            sink = Sink,
            type = Type,
            destination = Destination,
            synced = Synced,
            commit = Commit,
            applied_at = AppliedAt,
            keys = Keys,
            drift = Drifted > 0,
            drifted_keys = Drifted,
        };

        public override string ToString() =>
            $"{File}  rule={Rule} env={Environment}  {Sink} ({Type}) {Destination}: " + (Synced
                ? $"commit {Commit ?? "(none)"} applied {AppliedAt:u}, {Keys} keys, drift: {(Drifted == 0 ? "no" : Drifted == 1 ? "yes (1 key differs)" : $"yes ({Drifted} keys differ)")}"
                : "never synced");
    }
}

using System.CommandLine;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt validate</c>: the config, every schema it names, and every tracked file (each file matched by a rule's file
/// globs, under the config's folder) in every declared environment plus <c>default</c>. All problems are printed.
/// </summary>
internal static class ValidateCommand
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { ".git", "bin", "obj", "node_modules", ".vartrack" };

    public static Command Create(VtOptions options)
    {
        var command = new Command("validate", "Validate vartrack.yaml, its schemas and every tracked file in every environment.");
        command.SetAction((parse, ct) => options.RunAsync(parse, async context =>
        {
            var config = context.Config;
            var problems = new List<Problem>();
            foreach (var schema in config.Rules.Select(context.Pipeline.SchemaFor).OfType<string>().Distinct())
                problems.AddRange(await Collect(() => context.Pipeline.LoadSchemaAsync(schema, ct)));

            var files = 0;
            foreach (var relative in TrackedFiles(config.BaseDirectory))
            {
                var rules = config.Rules.Where(r => r.Files.Count > 0 && r.TracksFile(relative)).ToList();
                if (rules.Count == 0) continue;
                files++;
                foreach (var rule in rules)
                    foreach (var environment in rule.Environments.Append(EnvironmentName.Default))
                        problems.AddRange(await Collect(() => context.TransformAsync(Path.Combine(config.BaseDirectory, relative), relative, rule, environment, null, resolveSecrets: false, ct)));
            }
            var distinct = problems.Distinct().ToList();
            if (context.JsonOutput)
                await context.Output.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(new
                {
                    config = config.Path,
                    rules = config.Rules.Count,
                    files,
                    problems = distinct.Select(p => p.ToString()),
                }, CliContext.Json));
            else
            {
                foreach (var problem in distinct) await context.Error.WriteLineAsync($"error: {problem}");
                await context.Output.WriteLineAsync($"{(distinct.Count == 0 ? "ok" : "invalid")}: {config.Path ?? "(built-in defaults)"}, {config.Rules.Count} rule(s), {files} tracked file(s), {distinct.Count} problem(s)");
            }
            return distinct.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static async Task<IReadOnlyList<Problem>> Collect(Func<Task> step)
    {
        try
        {
            await step();
            return [];
        }
        catch (VarTrackException ex)
        {
            return ex.Problems;
        }
    }

    private static IEnumerable<string> TrackedFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
                if (!SkippedFolders.Contains(Path.GetFileName(sub))) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }
    }
}

using System.CommandLine;
using VarTrack.Core.Etl;

namespace VarTrack.Cli;

/// <summary><c>vt render FILE --env E [--rule R]</c>: the flat map after every ETL step, secrets masked.</summary>
internal static class RenderCommand
{
    public static Command Create(VtOptions options)
    {
        var file = new Argument<string>("file") { Description = "The config file to render." };
        var command = new Command("render", "Show the flat key/value map a file produces after every ETL step (secrets masked).") { file };
        options.AddSelection(command);
        command.SetAction((parse, ct) => options.RunAsync(parse, async context =>
        {
            var (full, relative) = context.LocateFile(parse.GetValue(file)!);
            var resolve = context.Secrets is not null;
            var results = new List<RenderedFile>();
            foreach (var rule in context.RulesFor(relative, parse.GetValue(options.Rule)))
                results.Add(await context.TransformAsync(full, relative, rule, parse.GetValue(options.Environment), parse.GetValue(options.Ref), resolve, ct));
            if (!resolve && results.Any(r => r.UnresolvedSecretKeys.Count > 0))
                await context.Error.WriteLineAsync("note: secret references are shown unresolved (no vault configured)");
            if (results.Any(r => r.Sensitive))
                await context.Error.WriteLineAsync("note: values of encrypted files are masked (set 'mask: false' in the rule's decrypt section to show them)");
            Write(context, results);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Write(CliContext context, IReadOnlyList<RenderedFile> results)
    {
        if (context.JsonOutput)
        {
            context.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(results.Select(r => new
            {
                file = r.File,
                rule = r.Rule,
                environment = r.Environment,
                values = r.Values.ToDictionary(e => e.Key, e => e.Value.Display),
            }), CliContext.Json));
            return;
        }
        foreach (var result in results)
        {
            context.Output.WriteLine($"# {result.File}  rule={result.Rule}  env={result.Environment}  ({result.Values.Count} keys)");
            foreach (var (key, value) in result.Values)
                context.Output.WriteLine(value.IsNull ? $"{key} = null" : $"{key} = {Quote(value.Display!)}");
        }
    }

    /// <summary>Shows values unambiguously: quoted only when they have edge whitespace, newlines or are empty.</summary>
    internal static string Quote(string value) =>
        value.Length == 0 || value != value.Trim() || value.Contains('\n') || value == "null"
            ? System.Text.Json.JsonSerializer.Serialize(value)
            : value;
}

using System.CommandLine;
using System.Text.Json;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;

namespace VarTrack.Cli;

/// <summary>
/// <c>vt plan FILE --env E</c>: a dry run. Per sink of each matching rule, what would be added, changed and removed
/// (secrets masked), against what each sink holds now; <c>--current state.json</c> plans offline against a saved state.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(VtOptions options)
    {
        var file = new Argument<string>("file") { Description = "The config file to plan." };
        var current = new Option<string?>("--current") { Description = "Plan offline against this JSON file instead of the live sinks: a flat {key: value} map, or {\"values\": {...}, \"owned_keys\": [...], \"content_hash\": \"...\"}." };
        var command = new Command("plan", "Dry run: show per sink what a sync would add, change and remove (secrets masked).") { file, current };
        options.AddSelection(command, sinks: true);
        command.SetAction((parse, ct) => options.RunAsync(parse, async context =>
        {
            var (full, relative) = context.LocateFile(parse.GetValue(file)!);
            var offline = parse.GetValue(current) is { } currentFile ? ReadSnapshot(context, currentFile) : null;
            var plans = new List<object>();
            foreach (var rule in context.RulesFor(relative, parse.GetValue(options.Rule)))
            {
                var rendered = await context.TransformAsync(full, relative, rule, parse.GetValue(options.Environment), parse.GetValue(options.Ref), resolveSecrets: true, ct);
                var job = context.JobFor(rule, rendered, parse.GetValue(options.Ref), parse.GetValue(options.Sink), null);
                IEnumerable<(string Sink, string Type, string Destination, ChangeSet Changes)> sinks = job.Destinations.Count == 0
                    ? [("(no sinks configured)", "-", "-", Planner.Plan(rendered.Values, offline ?? Snapshot.Empty, PlanOptions.For(rule)))]
                    : offline is not null
                        ? job.Destinations.Select(d => (d.Sink.Name, d.Sink.Type, d.Destination, Planner.Plan(rendered.Values, offline, PlanOptions.For(rule))))
                        : (await context.Executor.PlanAsync(job, ct)).Select(p => (p.Destination.Sink.Name, p.Destination.Sink.Type, p.Destination.Destination, p.Changes));
                foreach (var (sink, type, destination, changes) in sinks)
                {
                    if (context.JsonOutput) plans.Add(ToJson(rendered, sink, type, destination, changes));
                    else WriteText(context.Output, rendered, sink, type, destination, changes);
                }
            }
            if (context.JsonOutput) await context.Output.WriteLineAsync(JsonSerializer.Serialize(plans, CliContext.Json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteText(TextWriter output, RenderedFile file, string sink, string type, string destination, ChangeSet changes)
    {
        output.WriteLine($"plan {file.File}  rule={file.Rule}  env={file.Environment}  sink={sink} ({type})  destination={destination}");
        if (changes.IsSkipped) output.WriteLine($"  skipped: {changes.SkipReason}");
        foreach (var change in changes.Changes) output.WriteLine("  " + change);
        foreach (var key in changes.Protected) output.WriteLine($"  ! {key} kept (protected)");
        output.WriteLine($"  {changes.Count(ChangeKind.Add)} to add, {changes.Count(ChangeKind.Change)} to change, {changes.Count(ChangeKind.Remove)} to remove, " +
                         $"{changes.Count(ChangeKind.Rewrite)} to rewrite, {changes.UnchangedCount} unchanged");
    }

    private static object ToJson(RenderedFile file, string sink, string type, string destination, ChangeSet changes) => new
    {
        file = file.File,
        rule = file.Rule,
        environment = file.Environment,
        sink,
        type,
        destination,
        skipped = changes.SkipReason,
        content_hash = changes.ContentHash,
        changes = changes.Changes.Select(c => new { key = c.Key, kind = c.Kind.ToString().ToLowerInvariant(), before = c.BeforeDisplay, after = c.AfterDisplay }),
        @protected = changes.Protected,
        summary = new
        {
            add = changes.Count(ChangeKind.Add),
            change = changes.Count(ChangeKind.Change),
            remove = changes.Count(ChangeKind.Remove),
            rewrite = changes.Count(ChangeKind.Rewrite),
            unchanged = changes.UnchangedCount,
        },
    };

    /// <summary>Reads --current: a flat map of strings/nulls, or an object with values, owned_keys and content_hash.</summary>
    private static Snapshot ReadSnapshot(CliContext context, string path)
    {
        var full = Path.GetFullPath(path, context.WorkingDirectory);
        if (!File.Exists(full)) throw new UsageException($"current-state file '{path}' not found");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(full));
            var root = document.RootElement;
            var hasEnvelope = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("values", out var valuesElement) && valuesElement.ValueKind == JsonValueKind.Object;
            var values = new Dictionary<string, FlatValue>(StringComparer.Ordinal);
            foreach (var property in (hasEnvelope ? root.GetProperty("values") : root).EnumerateObject())
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Null => FlatValue.Null,
                    JsonValueKind.String => FlatValue.Text(property.Value.GetString()!),
                    _ => FlatValue.Text(property.Value.GetRawText()),
                };
            var owned = hasEnvelope && root.TryGetProperty("owned_keys", out var ownedElement)
                ? ownedElement.EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
                : [];
            var hash = hasEnvelope && root.TryGetProperty("content_hash", out var hashElement) ? hashElement.GetString() : null;
            var provenance = owned.Count > 0 || hash is not null
                ? new Provenance { Rule = "", Environment = "", SourceFile = "", ContentHash = hash ?? "", OwnedKeys = owned }
                : null;
            return new Snapshot(values, provenance);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new VarTrackException(new Problem($"not a current-state JSON file: {ex.Message}") { File = path });
        }
    }
}

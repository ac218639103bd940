using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// <c>projects/&lt;project&gt;/releases/&lt;id&gt;.json</c>, immutable: what was built, when, by what, and from which
/// commit of every repository (<see cref="Sources"/>: repository -> full commit id).
/// </summary>
public sealed partial record ReleaseRecord(string Id, DateTimeOffset Created, IReadOnlyDictionary<string, string> Sources, string? Builder, string? Notes) : MetaRecord
{
    public const int SchemaVersion = 1;
    private const string Kind = "release";

    public override JsonObject ToJson()
    {
        var sources = new JsonObject();
        foreach (var (repository, commit) in Sources.OrderBy(s => s.Key, StringComparer.Ordinal)) sources[repository] = commit;
        return new JsonObject
        {
            ["schema_version"] = SchemaVersion,
            ["id"] = Id,
            ["created"] = RecordFields.FormatTime(Created),
            ["sources"] = sources,
            ["builder"] = Builder,
            ["notes"] = Notes,
        };
    }

    /// <summary>Checks a new release before it is written: names, sources and text fields (errors name the field).</summary>
    public ReleaseRecord Validated()
    {
        MetaNames.Release(Id);
        var problems = SourceProblems(Sources).Select(m => new Problem(m)).ToList();
        if (problems.Count > 0) throw new VarTrackException(problems);
        return this;
    }

    /// <summary>Reads and checks a stored release record against its path.</summary>
    public static ReleaseRecord Parse(JsonObject json, MetaPath path)
    {
        var fields = new RecordFields(json, path.Path, Kind, SchemaVersion, "id", "created", "sources", "builder", "notes");
        var id = fields.Text("id", maxLength: 128);
        if (id is not null && id != path.ReleaseId) fields.Add($"'id' is {MetaNames.Shown(id)} but the file is named for release '{path.ReleaseId}'");
        var created = fields.Time("created");
        var builder = fields.Text("builder", nullable: true);
        var notes = fields.Text("notes", nullable: true, maxLength: 65536);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fields.Object("sources") is { } map)
        {
            foreach (var (repository, commit) in map)
                if (commit is JsonValue value && value.TryGetValue<string>(out var text)) sources[repository] = text;
                else fields.Add($"source '{repository}' must map to a commit id string");
            foreach (var problem in SourceProblems(sources)) fields.Add(problem);
        }
        fields.ThrowIfAny();
        return new ReleaseRecord(id!, created!.Value, sources, builder, notes);
    }

    private static IEnumerable<string> SourceProblems(IReadOnlyDictionary<string, string> sources)
    {
        if (sources.Count == 0) yield return "a release needs at least one source (repository=commit)";
        foreach (var (repository, commit) in sources)
        {
            if (repository.Length is 0 or > 256 || repository.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                yield return $"source repository {MetaNames.Shown(repository)} is invalid: 1-256 characters without spaces";
            if (!CommitShape().IsMatch(commit))
                yield return $"source '{repository}' has commit {MetaNames.Shown(commit)}: use the full commit id (40 or 64 lowercase hexadecimal digits)";
        }
    }

    [GeneratedRegex(@"\A(?:[0-9a-f]{40}|[0-9a-f]{64})\z")]
    private static partial Regex CommitShape();
}

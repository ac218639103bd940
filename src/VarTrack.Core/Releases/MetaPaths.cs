namespace VarTrack.Core.Releases;

/// <summary>
/// The path model of the meta repository, built and parsed in one place:
/// <code>
/// projects/&lt;project&gt;/releases/&lt;release-id&gt;.json
/// projects/&lt;project&gt;/binaries/&lt;release-id&gt;/&lt;os&gt;-&lt;arch&gt;.json
/// projects/&lt;project&gt;/channels/&lt;channel&gt;/events/&lt;timestamp&gt;-&lt;writer&gt;-&lt;seq&gt;.json
/// projects/&lt;project&gt;/flags/&lt;channel&gt;/flags.json
/// envs/&lt;Dev|Stage|Prod&gt;[/&lt;developer&gt;]/&lt;file&gt;
/// </code>
/// Builders validate every name (errors name the field and value); <see cref="Parse"/> says what a path is.
/// </summary>
public static class MetaPaths
{
    public const string ProjectsFolder = "projects";
    public const string EnvironmentsFolder = "envs";
    public const string FlagsFileName = "flags.json";

    public static string ProjectFolder(string project) => $"{ProjectsFolder}/{MetaNames.Project(project)}";

    public static string ReleasesFolder(string project) => $"{ProjectFolder(project)}/releases";

    public static string Release(string project, string releaseId) => $"{ReleasesFolder(project)}/{MetaNames.Release(releaseId)}.json";

    public static string BinariesFolder(string project, string releaseId) => $"{ProjectFolder(project)}/binaries/{MetaNames.Release(releaseId)}";

    public static string Binary(string project, string releaseId, string os, string arch) =>
        $"{BinariesFolder(project, releaseId)}/{MetaNames.Os(os)}-{MetaNames.Arch(arch)}.json";

    public static string ChannelsFolder(string project) => $"{ProjectFolder(project)}/channels";

    public static string EventsFolder(string project, string channel) => $"{ChannelsFolder(project)}/{MetaNames.Channel(channel)}/events";

    public static string Event(string project, string channel, MetaEventName name) => $"{EventsFolder(project, channel)}/{name.FileName}";

    public static string Flags(string project, string channel) => $"{ProjectFolder(project)}/flags/{MetaNames.Channel(channel)}/{FlagsFileName}";

    /// <summary><c>envs/Prod/app.yaml</c>, or <c>envs/Dev/alice/app.yaml</c> with a developer (Dev only).</summary>
    public static string EnvironmentFile(string environment, string? developer, string file)
    {
        MetaNames.Environment(environment);
        if (developer is not null && environment != "Dev")
            throw new Errors.VarTrackException(new Errors.Problem($"developer folders exist under envs/Dev only, not envs/{environment}"));
        var relative = (file ?? "").Replace('\\', '/').Trim('/');
        var segments = relative.Split('/');
        if (relative.Length == 0 || segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl)))
            throw new Errors.VarTrackException(new Errors.Problem($"environment file name {MetaNames.Shown(file)} is invalid: use a relative path without '.', '..' or empty segments"));
        return developer is null ? $"{EnvironmentsFolder}/{environment}/{relative}" : $"{EnvironmentsFolder}/{environment}/{MetaNames.Developer(developer)}/{relative}";
    }

    /// <summary>
    /// What <paramref name="path"/> is. Paths outside <c>projects/</c> and <c>envs/</c> are <see cref="MetaPathKind.Other"/>.
    /// A path inside them that fits no layout, or has an invalid name, gives null and the reason in <paramref name="problem"/>.
    /// </summary>
    public static MetaPath? Parse(string path, out string? problem)
    {
        problem = null;
        var s = path.Split('/');
        if (s[0] == EnvironmentsFolder) return ParseEnvironment(path, s, out problem);
        if (s[0] != ProjectsFolder) return new MetaPath(path, MetaPathKind.Other);
        if (s.Length < 4)
        {
            problem = "not a place for a file in the model (projects/<project>/releases|binaries|channels|flags/...)";
            return null;
        }
        var project = s[1];
        if (Bad("project", project, MetaNames.Project, out problem)) return null;
        switch (s[2])
        {
            case "releases" when s.Length == 4 && s[3].EndsWith(".json", StringComparison.Ordinal):
                var id = s[3][..^5];
                return Bad("release id", id, v => MetaNames.Release(v), out problem) ? null : new MetaPath(path, MetaPathKind.Release) { Project = project, ReleaseId = id };
            case "binaries" when s.Length == 5 && s[4].EndsWith(".json", StringComparison.Ordinal):
                if (Bad("release id", s[3], v => MetaNames.Release(v), out problem)) return null;
                var platform = s[4][..^5];
                var dash = platform.IndexOf('-');
                if (dash < 0)
                {
                    problem = $"binary file name '{s[4]}' is not <os>-<arch>.json";
                    return null;
                }
                var os = platform[..dash];
                var arch = platform[(dash + 1)..];
                if (Bad("os", os, MetaNames.Os, out problem) || Bad("arch", arch, MetaNames.Arch, out problem)) return null;
                return new MetaPath(path, MetaPathKind.Binary) { Project = project, ReleaseId = s[3], Os = os, Arch = arch };
            case "channels" when s.Length == 6 && s[4] == "events":
                if (Bad("channel", s[3], MetaNames.Channel, out problem)) return null;
                var name = MetaEventName.TryParse(s[5]);
                if (name is null)
                {
                    problem = $"event file name '{s[5]}' is not <yyyyMMddTHHmmssfffZ>-<writer>-<six-digit sequence>.json";
                    return null;
                }
                return new MetaPath(path, MetaPathKind.Event) { Project = project, Channel = s[3], Event = name };
            case "flags" when s.Length == 5 && s[4] == FlagsFileName:
                return Bad("channel", s[3], MetaNames.Channel, out problem) ? null : new MetaPath(path, MetaPathKind.Flags) { Project = project, Channel = s[3] };
            default:
                problem = "not a place for a file in the model (releases/<id>.json, binaries/<release>/<os>-<arch>.json, channels/<channel>/events/<event>.json, flags/<channel>/flags.json)";
                return null;
        }
    }

    private static MetaPath? ParseEnvironment(string path, string[] s, out string? problem)
    {
        problem = null;
        if (s.Length < 3 || !MetaNames.Environments.Contains(s[1]))
        {
            problem = $"environment files live under envs/{string.Join("|", MetaNames.Environments)}/";
            return null;
        }
        // Under Dev, a first-level folder is a developer's own folder.
        string? developer = null;
        if (s[1] == "Dev" && s.Length >= 4)
        {
            if (Bad("developer", s[2], MetaNames.Developer, out problem)) return null;
            developer = s[2];
        }
        return new MetaPath(path, MetaPathKind.Environment) { Environment = s[1], Developer = developer };
    }

    private static bool Bad(string field, string value, Func<string?, string> check, out string? problem)
    {
        problem = MetaNames.ProblemOf(field, value, check);
        return problem is not null;
    }
}

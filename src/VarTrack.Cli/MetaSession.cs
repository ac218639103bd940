using System.CommandLine;
using VarTrack.Connectors.Meta;
using VarTrack.Core.Config;
using VarTrack.Core.Releases;

namespace VarTrack.Cli;

/// <summary>
/// What a <c>vt meta</c> command works with: the meta settings (<c>meta:</c> of vartrack.yaml, overridden by
/// <c>--repository</c>/<c>--branch</c>), the working clone (<c>--work-dir</c>, else <c>meta.cache_directory</c>, else the
/// user's cache folder), the writer id and actor, and the writer over them.
/// </summary>
internal sealed class MetaSession : IDisposable
{
    private MetaSession(CliContext context, MetaSettings settings, GitMetaRepository repository, MetaFileCodec codec, string writer, string actor, string? project)
    {
        Context = context;
        Settings = settings;
        Repository = repository;
        Codec = codec;
        Actor = actor;
        DefaultProject = project;
        Writer = new MetaWriter(repository, codec, writer);
    }

    public CliContext Context { get; }

    public MetaSettings Settings { get; }

    public GitMetaRepository Repository { get; }

    public MetaFileCodec Codec { get; }

    public MetaWriter Writer { get; }

    public string Actor { get; }

    private string? DefaultProject { get; }

    /// <summary>--project, else meta.project; a usage error when neither is given.</summary>
    public string Project => DefaultProject ?? throw new UsageException("--project is required (or set meta.project in vartrack.yaml)");

    public static MetaSession Open(CliContext context, ParseResult parse, MetaOptions options)
    {
        var settings = context.Config.Meta;
        if (parse.GetValue(options.Repository) is { } repository)
        {
            // A local path is taken relative to the working folder; URLs as written.
            var location = repository.Contains("://", StringComparison.Ordinal) ? repository : Path.GetFullPath(repository, context.WorkingDirectory);
            settings = settings is null ? new MetaSettings(location) : settings with { Repository = location, Name = MetaSettings.NameOf(location) };
        }
        if (settings is null)
            throw new UsageException($"no meta repository: give --repository URL|path, or add a meta: section with 'repository' to {VarTrackConfig.FileName}");
        if (parse.GetValue(options.Branch) is { } branch) settings = settings with { Branch = branch };

        var writer = MetaNames.Writer(parse.GetValue(options.Writer) ?? settings.Writer ?? MachineWriterId());
        var actor = parse.GetValue(options.Actor) ?? Environment.GetEnvironmentVariable("VT_ACTOR") ?? Environment.UserName;
        var project = parse.GetValue(options.Project) ?? settings.Project;
        if (project is not null) MetaNames.Project(project);

        var parent = parse.GetValue(options.WorkDirectory) is { } work ? Path.GetFullPath(work, context.WorkingDirectory) : settings.CacheDirectory ?? DefaultCache();
        var resolver = new SettingResolver(null, context.Secrets);
        var clone = new GitMetaRepository(settings, context.Config.Git, GitMetaRepository.FolderFor(parent, settings.Repository), resolver);
        var codec = new MetaFileCodec(settings, new AgeCipher(), resolver);
        return new MetaSession(context, settings, clone, codec, writer, actor, project);
    }

    public void Dispose() => Repository.Dispose();

    /// <summary>This machine's name as a writer id: lowercase, other characters as '-', at most 64.</summary>
    private static string MachineWriterId()
    {
        var name = new string(Environment.MachineName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('-', '.', '_');
        if (name.Length > 64) name = name[..64];
        return name.Length == 0 ? "vt" : name;
    }

    private static string DefaultCache()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "vartrack", "meta");
    }
}

using System.Text.Json;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;

namespace VarTrack.Cli;

/// <summary>What every command needs: the writers, the working folder, the loaded config and the pipeline.</summary>
internal sealed class CliContext
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Func<VarTrackConfig, ISecretStore?, ISinkProvider> _sinkProviders;
    private ISinkProvider? _sinks;

    public CliContext(TextWriter output, TextWriter error, string workingDirectory, string? configPath, bool json, Func<VarTrackConfig, ISecretStore?> secretStores,
        Func<VarTrackConfig, ISecretStore?, ISinkProvider> sinkProviders)
    {
        _sinkProviders = sinkProviders;
        Output = output;
        Error = error;
        WorkingDirectory = workingDirectory;
        JsonOutput = json;
        Config = LoadConfig(workingDirectory, configPath);
        Secrets = secretStores(Config);
        Pipeline = new ConfigPipeline(Config, Secrets);
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public string WorkingDirectory { get; }
    public bool JsonOutput { get; }
    public VarTrackConfig Config { get; }
    public ISecretStore? Secrets { get; }
    public ConfigPipeline Pipeline { get; }

    /// <summary>The configured sinks, opened on first use (so commands that never write never connect).</summary>
    public ISinkProvider Sinks => _sinks ??= _sinkProviders(Config, Secrets);

    /// <summary>The sink provider if a command opened it (to close connections at the end).</summary>
    public ISinkProvider? OpenedSinks => _sinks;

    /// <summary>In process: the CLI is one writer, so destination locks only order its own parallel work.</summary>
    public SyncExecutor Executor => new(Sinks, new InProcessDestinationLocks());

    /// <summary>--config, else ./vartrack.yaml, else the built-in defaults (one rule for any file).</summary>
    private static VarTrackConfig LoadConfig(string workingDirectory, string? configPath)
    {
        if (configPath is not null)
        {
            var full = Path.GetFullPath(configPath, workingDirectory);
            if (!File.Exists(full)) throw new UsageException($"config file '{configPath}' not found");
            return VarTrackConfigLoader.LoadFile(full);
        }
        var implicitPath = Path.Combine(workingDirectory, VarTrackConfig.FileName);
        return File.Exists(implicitPath) ? VarTrackConfigLoader.LoadFile(implicitPath) : VarTrackConfig.Defaults(workingDirectory);
    }

    /// <summary>The file's path relative to the config folder, with '/' separators (what rule globs match).</summary>
    public (string FullPath, string RelativePath) LocateFile(string file)
    {
        var full = Path.GetFullPath(file, WorkingDirectory);
        if (!File.Exists(full)) throw new UsageException($"file '{file}' not found");
        var relative = Path.GetRelativePath(Config.BaseDirectory, full).Replace('\\', '/');
        return (full, relative.StartsWith("../", StringComparison.Ordinal) ? file.Replace('\\', '/') : relative);
    }

    /// <summary>The rules for a file: the named one, else every rule whose file globs match.</summary>
    public IReadOnlyList<RuleDefinition> RulesFor(string relativePath, string? ruleName)
    {
        if (ruleName is not null)
            return [Config.Rules.FirstOrDefault(r => r.Name == ruleName)
                ?? throw new UsageException($"no rule named '{ruleName}' (rules: {string.Join(", ", Config.Rules.Select(r => r.Name))})")];
        var rules = Config.Rules.Where(r => r.TracksFile(relativePath)).ToList();
        return rules.Count > 0 ? rules : throw new UsageException($"'{relativePath}' is not tracked by any rule; name one with --rule");
    }

    /// <summary>
    /// One sync job per rule tracking the file: rendered with secrets resolved, with the rule's sink destinations.
    /// A rule without sinks is an error here (there is nothing to sync or plan against).
    /// </summary>
    public async Task<IReadOnlyList<SyncJob>> JobsForAsync(string file, string? ruleName, string? environment, string? reference, IReadOnlyCollection<string>? sinks, string? commit, CancellationToken ct)
    {
        var (full, relative) = LocateFile(file);
        var jobs = new List<SyncJob>();
        foreach (var rule in RulesFor(relative, ruleName))
        {
            if (rule.Sinks.Count == 0)
                throw new UsageException($"rule '{rule.Name}' has no sinks; add 'sinks:' to it in {VarTrackConfig.FileName}");
            jobs.Add(JobFor(rule, await TransformAsync(full, relative, rule, environment, reference, resolveSecrets: true, ct), reference, sinks, commit));
        }
        return jobs;
    }

    /// <summary>The sync job for a rendered file: the rule's sinks (or the named ones) with their destination templates filled in.</summary>
    public SyncJob JobFor(RuleDefinition rule, RenderedFile rendered, string? reference, IReadOnlyCollection<string>? sinks, string? commit)
    {
        if (sinks is { Count: > 0 })
        {
            var unknown = sinks.Where(s => !rule.Sinks.Contains(s)).ToList();
            if (unknown.Count > 0)
                throw new UsageException($"rule '{rule.Name}' has no sink named {string.Join(", ", unknown.Select(u => $"'{u}'"))} (its sinks: {string.Join(", ", rule.Sinks)})");
            rule = rule with { Sinks = rule.Sinks.Where(sinks.Contains).ToList() };
        }
        var values = new TemplateValues(rendered.Environment, rule.Name, rendered.File)
        {
            Tenant = rule.Tenant,
            Branch = reference is null ? null : SourceRef.Parse(reference).BranchName,
        };
        return new SyncJob(rule, rendered, SyncDestination.For(Config, rule, values)) { Commit = commit };
    }

    public async Task<RenderedFile> TransformAsync(string fullPath, string relativePath, RuleDefinition rule, string? environment, string? reference, bool resolveSecrets, CancellationToken ct)
    {
        var request = new RenderRequest(relativePath, await File.ReadAllBytesAsync(fullPath, ct), rule, reference is null ? SourceRef.None : SourceRef.Parse(reference))
        {
            Environment = environment,
        };
        return resolveSecrets ? await Pipeline.RenderAsync(request, ct) : await Pipeline.TransformAsync(request, ct);
    }
}

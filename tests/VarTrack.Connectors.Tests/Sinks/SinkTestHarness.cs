using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Secrets;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Builds sync jobs against ready-made sink instances, so sink tests drive the real <see cref="SyncExecutor"/>.</summary>
public sealed class SinkTestHarness
{
    private readonly Dictionary<string, ISink> _sinks = new(StringComparer.Ordinal);

    public SinkTestHarness(ISink sink, string type) => Add("primary", sink, type);

    public InProcessDestinationLocks Locks { get; } = new();

    public Dictionary<string, SinkDefinition> Definitions { get; } = new(StringComparer.Ordinal);

    public SinkTestHarness Add(string name, ISink sink, string type)
    {
        _sinks[name] = sink;
        Definitions[name] = new SinkDefinition(name, type, TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>());
        return this;
    }

    public SyncExecutor Executor(ICommitHistory? history = null) => new(new FixedSinkProvider(_sinks), Locks, TimeProvider.System, history);

    public static RuleDefinition Rule(bool prune = false, SyncStrategy strategy = SyncStrategy.Auto, params string[] protect) => new("contract")
    {
        Prune = prune,
        Strategy = strategy,
        Protect = protect.Select(p => Glob.Parse(p, '.')).ToList(),
        Tenant = "acme",
    };

    /// <summary>A job writing <paramref name="values"/> (null entries are null values) to <paramref name="destinations"/> on the named sinks.</summary>
    public SyncJob Job(IEnumerable<(string Sink, string Destination)> destinations, IReadOnlyDictionary<string, string?> values, RuleDefinition? rule = null,
        string file = "config/app.yaml", string? commit = "c1", DateTimeOffset? commitTime = null, IReadOnlySet<string>? secretKeys = null)
    {
        var map = new FlatMap(values.Select(v => new KeyValuePair<string, FlatValue>(v.Key,
            secretKeys?.Contains(v.Key) == true ? FlatValue.Secret(new SecretValue(v.Value!)) : FlatValue.From(v.Value))));
        return new SyncJob(rule ?? Rule(), new RenderedFile(file, (rule ?? Rule()).Name, "production", map),
            destinations.Select(d => new SyncDestination(Definitions[d.Sink], d.Destination)).ToList())
        {
            Commit = commit,
            CommitTime = commitTime ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    public SyncJob Job(string destination, IReadOnlyDictionary<string, string?> values, RuleDefinition? rule = null, string file = "config/app.yaml",
        string? commit = "c1", DateTimeOffset? commitTime = null, IReadOnlySet<string>? secretKeys = null) =>
        Job([("primary", destination)], values, rule, file, commit, commitTime, secretKeys);

    private sealed class FixedSinkProvider(IReadOnlyDictionary<string, ISink> sinks) : ISinkProvider
    {
        public Task<ISink> OpenAsync(SinkDefinition definition, CancellationToken cancellationToken = default) => Task.FromResult(sinks[definition.Name]);

        public IEnumerable<string> SecretsOf(string sinkName) => [];
    }
}

using BenchmarkDotNet.Attributes;
using VarTrack.Connectors.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Benchmarks;

/// <summary>
/// A sync of 10k keys into a real store through the executor (lock, read, plan, write), and the no-change
/// smart_repair sync (one read, zero writes). Needs scripts/services.sh start. Targets (issue 4): Redis hash under
/// 300 ms, ZooKeeper under 5 s.
/// </summary>
[MemoryDiagnoser]
public class SinkSyncBenchmarks
{
    private const int KeyCount = 10_000;
    private SinkProvider _provider = null!;
    private SyncExecutor _executor = null!;
    private SinkDefinition _sink = null!;
    private FlatMap _values = null!;
    private string _smartDestination = "";
    private string _freshDestination = "";

    [Params("redis-hash", "zookeeper")]
    public string Store { get; set; } = "redis-hash";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var (type, settings) = Store switch
        {
            "redis-hash" => ("redis", new Dictionary<string, string> { ["connection"] = Env("VT_REDIS", "127.0.0.1:16379"), ["mode"] = "hash" }),
            "zookeeper" => ("zookeeper", new Dictionary<string, string> { ["connection"] = Env("VT_ZOOKEEPER", "127.0.0.1:12181") }),
            _ => throw new ArgumentException(Store),
        };
        _sink = new SinkDefinition("bench", type, TemplateString.Parse("{file}"),
            settings.ToDictionary(s => s.Key, s => new SettingValue(s.Value, default)));
        _provider = new SinkProvider(SinkFactories.All(), new SettingResolver());
        _executor = new SyncExecutor(_provider, new InProcessDestinationLocks());
        _values = new FlatMap(Enumerable.Range(0, KeyCount).Select(i => KeyValuePair.Create($"service{i % 100}.setting{i}", FlatValue.Text($"value-{i}"))));
        _smartDestination = Destination();
        await SyncAsync(_smartDestination, SyncStrategy.SmartRepair);
    }

    [IterationSetup(Target = nameof(Sync10kKeysIntoEmptyDestination))]
    public void NewDestination() => _freshDestination = Destination();

    [Benchmark]
    public Task Sync10kKeysIntoEmptyDestination() => SyncAsync(_freshDestination, SyncStrategy.Auto);

    [Benchmark]
    public Task NoChangeSmartRepairSync() => SyncAsync(_smartDestination, SyncStrategy.SmartRepair);

    [GlobalCleanup]
    public async Task CleanupAsync() => await _provider.DisposeAsync();

    private async Task SyncAsync(string destination, SyncStrategy strategy)
    {
        var rule = new RuleDefinition("bench") { Strategy = strategy, Sinks = ["bench"] };
        var job = new SyncJob(rule, new RenderedFile("bench.yaml", "bench", "production", _values), [new SyncDestination(_sink, destination)]) { Commit = "c1" };
        var report = await _executor.RunAsync(job);
        if (!report.Succeeded) throw new InvalidOperationException(report.Sinks.Single().Error);
    }

    private string Destination() => Store == "zookeeper" ? $"/vt-bench/{Guid.NewGuid():N}" : $"vt-bench:{Guid.NewGuid():N}";

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) ?? fallback;
}

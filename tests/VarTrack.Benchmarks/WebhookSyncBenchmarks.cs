using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using VarTrack.Core.Sync;

namespace VarTrack.Benchmarks;

/// <summary>
/// Webhook received to all sinks written, on the real self-hosted server: one signed GitHub push delivery for a
/// commit that changes 100 of the 1,000 keys of a YAML file, then <c>GET /api/syncs/{id}</c> polled every 2 ms until
/// the sync has succeeded. The clone cache is warm (the repository was cloned and synced once in setup); each commit
/// is pushed to the Git HTTP server just before its iteration, outside the timed code, so every timed sync fetches
/// one new commit, reads each sink, plans and writes a real 100-key diff. Needs scripts/services.sh start.
/// Target (issue): p50 under 150 ms.
/// </summary>
[Config(typeof(LatencyColumns))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 20, invocationCount: 1)]
public class WebhookSyncBenchmarks
{
    private const int Keys = 1_000;
    private const int PreparedCommits = 40;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(2);

    private readonly Queue<string> _prepared = new();
    private readonly List<(double Answered, double Queued, double Ran, double Total)> _phases = [];
    private BenchmarkServer _server = null!;
    private BenchmarkRepository _repository = null!;
    private string _head = "";
    private int _revision;
    private HttpRequestMessage? _webhook;

    [Params("file+redis", "file+redis+zookeeper")]
    public string Sinks { get; set; } = "file+redis";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await BenchmarkServer.StartAsync(zooKeeper: Sinks.Contains("zookeeper", StringComparison.Ordinal));
        _repository = new BenchmarkRepository();
        _head = _repository.Commit(BenchmarkServer.File, RevisedDocument.Yaml(Keys, 0));
        _repository.Push(_head);
        // The first sync clones the repository and writes all 1,000 keys: the clone cache is warm from here on.
        var first = await _server.WaitAsync(await _server.DeliverAsync(BenchmarkServer.Webhook(_repository, new string('0', 40), _head)), Poll);
        BenchmarkServer.Require(first, SinkOutcome.Applied);
        // Enough for BenchmarkDotNet's jitting, warmup and measured iterations; more are made on demand if it asks for them.
        for (var i = 0; i < PreparedCommits; i++) Prepare();
    }

    [IterationSetup]
    public void PushNextCommit()
    {
        if (_prepared.Count == 0) Prepare();
        var commit = _prepared.Dequeue();
        _repository.Push(commit);
        _webhook = BenchmarkServer.Webhook(_repository, _head, commit);
        _head = commit;
    }

    [Benchmark]
    public async Task WebhookToAllSinksWritten()
    {
        var started = Stopwatch.GetTimestamp();
        var syncId = await _server.DeliverAsync(_webhook!);
        var answered = Stopwatch.GetElapsedTime(started);
        var record = await _server.WaitAsync(syncId, Poll);
        var total = Stopwatch.GetElapsedTime(started);
        BenchmarkServer.Require(record, SinkOutcome.Applied);
        // Where the time went, from the server's own timestamps (same clock): printed after the run, not a result.
        _phases.Add((answered.TotalMilliseconds, (record.StartedAt!.Value - record.Request.RequestedAt).TotalMilliseconds,
            (record.FinishedAt!.Value - record.StartedAt.Value).TotalMilliseconds, total.TotalMilliseconds));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_phases.Count > 0)
            Console.WriteLine($"// medians over {_phases.Count} syncs (warmup included): webhook answered {Median(p => p.Answered)} ms, queued {Median(p => p.Queued)} ms, " +
                $"running {Median(p => p.Ran)} ms, end to end {Median(p => p.Total)} ms");
        await _server.ClearAsync(_repository);
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    private string Median(Func<(double Answered, double Queued, double Ran, double Total), double> phase) =>
        _phases.Select(phase).Order().ElementAt(_phases.Count / 2).ToString("0.0", CultureInfo.InvariantCulture);

    private void Prepare()
    {
        _revision++;
        _prepared.Enqueue(_repository.Commit(BenchmarkServer.File, RevisedDocument.Yaml(Keys, _revision)));
    }
}

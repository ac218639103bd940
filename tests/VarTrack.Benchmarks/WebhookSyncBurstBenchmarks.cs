using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using VarTrack.Core.Sync;

namespace VarTrack.Benchmarks;

/// <summary>
/// 50 concurrent webhooks for one destination on the real self-hosted server: 50 commits (each changing 100 of the
/// 1,000 keys) are pushed at once before the iteration, then their 50 signed deliveries are sent concurrently and the
/// time runs until all 50 syncs have finished. The syncs serialise on the destination lock; a sync that finds a newer
/// commit already written skips (SkippedOlderCommit), which is the intended outcome, not a failure.
/// </summary>
[Config(typeof(LatencyColumns))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class WebhookSyncBurstBenchmarks
{
    private const int Keys = 1_000;
    private const int Burst = 50;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    private BenchmarkServer _server = null!;
    private BenchmarkRepository _repository = null!;
    private string _head = "";
    private int _revision;
    private List<HttpRequestMessage> _webhooks = [];
    private int _applied;
    private int _skipped;

    [Params("file+redis")]
    public string Sinks { get; set; } = "file+redis";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await BenchmarkServer.StartAsync(zooKeeper: Sinks.Contains("zookeeper", StringComparison.Ordinal));
        _repository = new BenchmarkRepository();
        _head = _repository.Commit(BenchmarkServer.File, RevisedDocument.Yaml(Keys, 0));
        _repository.Push(_head);
        var first = await _server.WaitAsync(await _server.DeliverAsync(BenchmarkServer.Webhook(_repository, new string('0', 40), _head)), Poll);
        BenchmarkServer.Require(first, SinkOutcome.Applied);
    }

    /// <summary>Commits 50 revisions and pushes them (one push moves main to the last), outside the timed code.</summary>
    [IterationSetup]
    public void PushBurst()
    {
        _webhooks = [];
        for (var i = 0; i < Burst; i++)
        {
            var commit = _repository.Commit(BenchmarkServer.File, RevisedDocument.Yaml(Keys, ++_revision));
            _webhooks.Add(BenchmarkServer.Webhook(_repository, _head, commit));
            _head = commit;
        }
        _repository.Push(_head);
    }

    [Benchmark]
    public async Task FiftyConcurrentWebhooksOneDestination()
    {
        var syncIds = await Task.WhenAll(_webhooks.Select(_server.DeliverAsync));
        // One waiter at a time: all 50 must finish, and 50 concurrent pollers would steal the cores the syncs need.
        foreach (var syncId in syncIds)
        {
            var record = await _server.WaitAsync(syncId, Poll);
            BenchmarkServer.Require(record, SinkOutcome.Applied, SinkOutcome.SkippedOlderCommit);
            if (record.Files.SelectMany(f => f.Sinks).All(s => s.Outcome == SinkOutcome.Applied)) _applied++;
            else _skipped++;
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// {_applied} syncs applied, {_skipped} skipped an older commit");
        await _server.ClearAsync(_repository);
        await _server.DisposeAsync();
        _repository.Dispose();
    }
}

using VarTrack.Core.Errors;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>The executor's own rules, beyond what every sink's contract suite checks: ordering, faults, masking, locks.</summary>
public sealed class SyncExecutorTests
{
    private readonly InMemorySink _store = new();
    private readonly ScriptedSink _a;
    private readonly ScriptedSink _b;
    private readonly SinkTestHarness _harness;

    public SyncExecutorTests()
    {
        var log = new List<string>();
        _a = new ScriptedSink(_store, "a", log);
        _b = new ScriptedSink(_store, "b", log);
        _harness = new SinkTestHarness(_a, "redis").Add("b", _b, "redis");
    }

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private SyncJob Job(IReadOnlyDictionary<string, string?> values, bool prune = false, string commit = "c1", DateTimeOffset? time = null, IReadOnlySet<string>? secrets = null) =>
        _harness.Job([("primary", "one"), ("b", "two")], values, SinkTestHarness.Rule(prune), commit: commit, commitTime: time, secretKeys: secrets);

    private async Task<Dictionary<string, string?>> StoredAsync(string destination) =>
        (await _store.ReadAsync(new SinkTarget(destination, "contract", "config/app.yaml"))).Values.ToDictionary(v => v.Key, v => v.Value.Reveal());

    [Fact]
    public async Task A_destination_that_cannot_be_read_stops_every_write()
    {
        _b.FailRead = () => new TimeoutException("no answer from 127.0.0.1:6390 within 5s");
        var report = await _harness.Executor().RunAsync(Job(Values(("k", "v"))));

        Assert.False(report.Succeeded);
        var failed = report.Sinks.Single(s => s.Sink == "b");
        Assert.Equal(SinkOutcome.Failed, failed.Outcome);
        Assert.Equal("sink 'b' (redis) destination 'two': timed out (no answer from 127.0.0.1:6390 within 5s)", failed.Error);
        Assert.Equal(SinkOutcome.NotWritten, report.Sinks.Single(s => s.Sink == "primary").Outcome);
        Assert.DoesNotContain(_a.Log, l => l.StartsWith("a:apply", StringComparison.Ordinal));
        Assert.Empty(await StoredAsync("one"));
    }

    [Fact]
    public async Task Prune_runs_only_after_every_destination_took_its_upserts()
    {
        await _harness.Executor().RunAsync(Job(Values(("keep", "1"), ("drop", "2")), prune: true));
        _a.Log.Clear();

        var report = await _harness.Executor().RunAsync(Job(Values(("keep", "1"), ("new", "3")), prune: true, commit: "c2"));
        Assert.True(report.Succeeded);
        var applies = _a.Log.Where(l => l.Contains(":apply", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, applies.Count);
        Assert.All(applies.Take(2), l => Assert.EndsWith("add:new", l));
        Assert.All(applies.Skip(2), l => Assert.EndsWith("remove:drop", l));
    }

    [Fact]
    public async Task An_upsert_failure_means_no_destination_is_pruned()
    {
        await _harness.Executor().RunAsync(Job(Values(("keep", "1"), ("drop", "2")), prune: true));
        _b.FailApply = changes => changes.Changes.Any(c => c.Kind == ChangeKind.Add) ? new IOException("disk full") : null;

        var report = await _harness.Executor().RunAsync(Job(Values(("keep", "1"), ("new", "3")), prune: true, commit: "c2"));
        Assert.False(report.Succeeded);
        Assert.Equal(Values(("keep", "1"), ("drop", "2")), await StoredAsync("one"));
        Assert.Equal(Values(("keep", "1"), ("drop", "2")), await StoredAsync("two"));
        Assert.DoesNotContain(_a.Log, l => l.Contains("remove:", StringComparison.Ordinal));
        Assert.Contains("a:restore", _a.Log);
    }

    [Fact]
    public async Task A_failed_restore_is_reported_loudly()
    {
        await _harness.Executor().RunAsync(Job(Values(("k", "1"))));
        _b.FailApply = _ => new IOException("connection reset");
        _a.FailRestore = () => new IOException("still down");

        var report = await _harness.Executor().RunAsync(Job(Values(("k", "2")), commit: "c2"));
        var a = report.Sinks.Single(s => s.Sink == "primary");
        Assert.Equal(SinkOutcome.RollbackFailed, a.Outcome);
        Assert.Equal("restore failed: sink 'primary' (redis) destination 'one': still down", a.Error);
        Assert.Equal(SinkOutcome.Failed, report.Sinks.Single(s => s.Sink == "b").Outcome);
        Assert.Equal(Values(("k", "1")), await StoredAsync("two"));
    }

    [Fact]
    public async Task Errors_never_carry_secret_values()
    {
        var secret = new HashSet<string>(["db.password"]);
        _b.FailApply = _ => new InvalidOperationException("server said: bad value 'hunter2-very-secret' for db.password");

        var report = await _harness.Executor().RunAsync(Job(Values(("db.password", "hunter2-very-secret")), secrets: secret));
        var error = report.Sinks.Single(s => s.Sink == "b").Error!;
        Assert.DoesNotContain("hunter2", error);
        Assert.Contains("bad value '***' for db.password", error);
    }

    [Fact]
    public async Task Git_ancestry_decides_order_before_commit_times()
    {
        var history = new FixedHistory(("old", "new", true));
        await _harness.Executor(history).RunAsync(Job(Values(("k", "new")), commit: "new", time: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        // Its author date is later (a rebased commit), but Git says it is an ancestor: still older.
        var report = await _harness.Executor(history).RunAsync(Job(Values(("k", "old")), commit: "old", time: new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.All(report.Sinks, s => Assert.Equal(SinkOutcome.SkippedOlderCommit, s.Outcome));
        Assert.Equal("new", (await StoredAsync("one"))["k"]);

        // Not an ancestor (a revert on top): applied although its time is earlier.
        var unrelated = await _harness.Executor(new FixedHistory(("revert", "new", false))).RunAsync(
            Job(Values(("k", "reverted")), commit: "revert", time: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.All(unrelated.Sinks, s => Assert.Equal(SinkOutcome.Applied, s.Outcome));
    }

    [Fact]
    public async Task Reserved_keys_are_refused_before_anything_is_read()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => _harness.Executor().RunAsync(Job(Values(("__vartrack__.x", "1"), ("ok", "2")))));
        Assert.Contains("key '__vartrack__.x' is reserved", ex.Problems.Single().Message);
        Assert.Empty(_a.Log);
    }

    [Fact]
    public async Task Cancelling_mid_write_restores_what_was_written_then_throws()
    {
        await _harness.Executor().RunAsync(Job(Values(("k", "1"))));
        using var cancel = new CancellationTokenSource();
        _b.DuringApply = async ct =>
        {
            cancel.Cancel();
            await Task.Delay(Timeout.Infinite, ct);
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Executor().RunAsync(Job(Values(("k", "2")), commit: "c2"), null, cancel.Token));
        Assert.Equal(Values(("k", "1")), await StoredAsync("one"));
        Assert.Equal(Values(("k", "1")), await StoredAsync("two"));
        Assert.Contains("a:restore", _a.Log);
    }

    [Fact]
    public async Task Same_content_same_commit_is_zero_writes_but_a_new_commit_is_recorded()
    {
        await _harness.Executor().RunAsync(Job(Values(("k", "1"))));
        _a.Log.Clear();
        var same = await _harness.Executor().RunAsync(Job(Values(("k", "1"))));
        Assert.All(same.Sinks, s => Assert.Equal(SinkOutcome.Unchanged, s.Outcome));
        Assert.DoesNotContain(_a.Log, l => l.Contains(":apply", StringComparison.Ordinal));

        var moved = await _harness.Executor().RunAsync(Job(Values(("k", "1")), commit: "c2"));
        Assert.All(moved.Sinks, s => Assert.Equal(SinkOutcome.Applied, s.Outcome));
        Assert.Equal("c2", (await _store.ReadAsync(new SinkTarget("one", "contract", "config/app.yaml"))).Provenance!.Commit);
    }

    [Fact]
    public async Task A_sink_that_hangs_times_out_and_the_others_are_rolled_back()
    {
        await _harness.Executor().RunAsync(Job(Values(("k", "1"))));
        _b.DuringApply = _ => Task.Delay(Timeout.Infinite); // ignores cancellation, like a stuck client library
        // The bound applies to the healthy sink's calls too: 2 s rather than a fraction of one, so on a loaded machine
        // only the hung sink times out.
        var executor = new SyncExecutor(new FixedProvider(_a, _b), new InProcessDestinationLocks()) { SinkTimeout = TimeSpan.FromSeconds(2) };

        var report = await executor.RunAsync(Job(Values(("k", "2")), commit: "c2")).WaitAsync(TimeSpan.FromSeconds(30));
        var b = report.Sinks.Single(s => s.Sink == "b");
        Assert.Equal(SinkOutcome.Failed, b.Outcome);
        Assert.Equal("sink 'b' (redis) destination 'two': timed out (no answer within 2s)", b.Error);
        Assert.Equal(SinkOutcome.RolledBack, report.Sinks.Single(s => s.Sink == "primary").Outcome);
        Assert.Equal(Values(("k", "1")), await StoredAsync("one"));
    }

    [Fact]
    public async Task Plan_reads_but_never_writes()
    {
        var plans = await _harness.Executor().PlanAsync(Job(Values(("k", "1"))));
        Assert.Equal(2, plans.Count);
        Assert.All(plans, p => Assert.Equal(ChangeKind.Add, p.Changes.Changes.Single().Kind));
        Assert.DoesNotContain(_a.Log, l => l.Contains(":apply", StringComparison.Ordinal));
        Assert.Empty(await StoredAsync("one"));
    }

    [Fact]
    public async Task Syncs_to_one_destination_never_write_at_the_same_time()
    {
        _a.DuringApply = _ => Task.Delay(20);
        var jobs = Enumerable.Range(0, 5).Select(i => _harness.Job("shared", Values(($"k{i}", "v")), file: $"f{i}.yaml"));
        await Task.WhenAll(jobs.Select(j => Task.Run(() => _harness.Executor().RunAsync(j))));
        Assert.Equal(1, _a.MaxConcurrentApplies);
        Assert.Equal(5, (await StoredAsync("shared")).Count);
    }

    [Fact]
    public async Task A_lock_waiter_that_gives_up_leaves_the_lock_usable()
    {
        var locks = new InProcessDestinationLocks();
        var held = await locks.AcquireAsync("x");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("x", cancel.Token));
        await held.DisposeAsync();
        await using var again = await locks.AcquireAsync("x").WaitAsync(TimeSpan.FromSeconds(5));
    }

    private sealed class FixedProvider(ISink primary, ISink b) : ISinkProvider
    {
        public Task<ISink> OpenAsync(VarTrack.Core.Config.SinkDefinition definition, CancellationToken cancellationToken = default) =>
            Task.FromResult(definition.Name == "b" ? b : primary);

        public IEnumerable<string> SecretsOf(string sinkName) => [];
    }

    private sealed class FixedHistory(params (string Ancestor, string Descendant, bool Answer)[] answers) : ICommitHistory
    {
        public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) =>
            Task.FromResult(answers.Where(a => a.Ancestor == ancestor && a.Descendant == descendant).Select(a => (bool?)a.Answer).FirstOrDefault());
    }
}

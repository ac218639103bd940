using VarTrack.Core.Config;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>
/// The behaviour every sink must have, run by each sink's test class against its real server (or, where none can be
/// installed, the in-process fake of its protocol). Tests drive the real <see cref="SyncExecutor"/>, so they check
/// the sink as the product uses it: exact diffs, owner-scoped prune, protection, rollback, provenance, concurrency.
/// </summary>
public abstract class SinkContractTests
{
    /// <summary>The sink under test, connected to its server. Called once per test.</summary>
    protected abstract Task<ISink> CreateSinkAsync();

    /// <summary>The sink type name as in vartrack.yaml.</summary>
    protected abstract string SinkType { get; }

    /// <summary>A destination no other test uses (each sink knows its own naming: a key prefix, a znode path, a file path).</summary>
    protected abstract string NewDestination();

    /// <summary>False for stores whose key syntax is restricted (ConfigMap keys are [-._a-zA-Z0-9]).</summary>
    protected virtual bool SupportsUnicodeKeys => true;

    protected virtual int LargeKeyCount => 10_000;

    private static readonly RuleDefinition Prune = SinkTestHarness.Rule(prune: true);

    private async Task<(ISink Sink, SinkTestHarness Harness)> SetUpAsync()
    {
        var sink = await CreateSinkAsync();
        return (sink, new SinkTestHarness(sink, SinkType));
    }

    private static async Task<SyncReport> SyncAsync(SinkTestHarness harness, SyncJob job)
    {
        var report = await harness.Executor().RunAsync(job);
        Assert.True(report.Succeeded, string.Join("; ", report.Sinks.Select(s => $"{s.Destination}: {s.Outcome} {s.Error}")));
        return report;
    }

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static Dictionary<string, string?> Plain(Snapshot snapshot) =>
        snapshot.Values.ToDictionary(v => v.Key, v => v.Value.Reveal(), StringComparer.Ordinal);

    private static SinkTarget Target(string destination, string file = "config/app.yaml") => new(destination, "contract", file);

    [Fact]
    public async Task A_destination_never_written_reads_as_empty_with_no_provenance()
    {
        var (sink, _) = await SetUpAsync();
        var snapshot = await sink.ReadAsync(Target(NewDestination()));
        Assert.Empty(snapshot.Values);
        Assert.Null(snapshot.Provenance);
    }

    [Fact]
    public async Task Written_values_read_back_exactly_with_their_provenance()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var values = Values(("db.host", "db.internal"), ("db.port", "5432"), ("feature.on", "true"), ("name", "shop"));
        var report = await SyncAsync(harness, harness.Job(destination, values, commit: "abc123"));
        Assert.Equal(SinkOutcome.Applied, report.Sinks.Single().Outcome);

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal(values, Plain(snapshot));
        var provenance = Assert.IsType<Provenance>(snapshot.Provenance);
        Assert.Equal("contract", provenance.Rule);
        Assert.Equal("acme", provenance.Tenant);
        Assert.Equal("production", provenance.Environment);
        Assert.Equal("config/app.yaml", provenance.SourceFile);
        Assert.Equal("abc123", provenance.Commit);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), provenance.CommitTime);
        Assert.Equal(ContentHash.Compute(new FlatMap(values.Select(v => KeyValuePair.Create(v.Key, FlatValue.From(v.Value))))), provenance.ContentHash);
        Assert.Equal(values.Keys.ToHashSet(), provenance.OwnedKeys);
        Assert.True(DateTimeOffset.UtcNow - provenance.AppliedAt < TimeSpan.FromMinutes(5), $"applied_at {provenance.AppliedAt:O} is not recent");
    }

    [Fact]
    public async Task A_second_sync_writes_exactly_the_difference()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2"), ("c", "3"))));

        var report = await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "20"), ("c", "3"), ("d", "4")), commit: "c2"));
        var changes = report.Sinks.Single().Changes!;
        Assert.Equal(["b", "d"], changes.Changes.Select(c => c.Key).Order());
        Assert.Equal(2, changes.UnchangedCount);
        Assert.Equal(Values(("a", "1"), ("b", "20"), ("c", "3"), ("d", "4")), Plain(await sink.ReadAsync(Target(destination))));
        Assert.Equal("c2", (await sink.ReadAsync(Target(destination))).Provenance!.Commit);
    }

    [Fact]
    public async Task Prune_removes_only_keys_this_file_wrote_and_keeps_other_owners_keys()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        await SyncAsync(harness, harness.Job(destination, Values(("other.key", "theirs")), Prune, file: "config/other.yaml"));
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2")), Prune));

        var report = await SyncAsync(harness, harness.Job(destination, Values(("a", "1")), Prune, commit: "c2"));
        Assert.Equal(["b"], report.Sinks.Single().Changes!.Changes.Where(c => c.Kind == ChangeKind.Remove).Select(c => c.Key));
        Assert.Equal(Values(("a", "1"), ("other.key", "theirs")), Plain(await sink.ReadAsync(Target(destination))));
        Assert.Equal(["a"], (await sink.ReadAsync(Target(destination))).Provenance!.OwnedKeys);
        Assert.Equal(["other.key"], (await sink.ReadAsync(Target(destination, "config/other.yaml"))).Provenance!.OwnedKeys);
    }

    [Fact]
    public async Task Without_prune_a_dropped_key_stays_and_stays_owned()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2"))));
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1")), commit: "c2"));

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal(Values(("a", "1"), ("b", "2")), Plain(snapshot));
        Assert.Equal(["a", "b"], snapshot.Provenance!.OwnedKeys.Order());
    }

    [Fact]
    public async Task Prune_never_removes_protected_keys()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var rule = SinkTestHarness.Rule(prune: true, SyncStrategy.Auto, "keep.**");
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("keep.me", "x"), ("keep.deep.too", "y"), ("gone", "z")), rule));

        var report = await SyncAsync(harness, harness.Job(destination, Values(("a", "1")), rule, commit: "c2"));
        Assert.Equal(["keep.deep.too", "keep.me"], report.Sinks.Single().Changes!.Protected.Order());
        Assert.Equal(Values(("a", "1"), ("keep.me", "x"), ("keep.deep.too", "y")), Plain(await sink.ReadAsync(Target(destination))));
    }

    [Fact]
    public async Task A_failure_halfway_restores_every_destination_to_its_snapshot()
    {
        var (sink, harness) = await SetUpAsync();
        harness.Add("failing", new HalfwayFailingSink(sink), SinkType);
        var healthy = NewDestination();
        var broken = NewDestination();
        var before = Values(("a", "1"), ("b", "2"), ("gone", "3"));
        await SyncAsync(harness, harness.Job([("primary", healthy), ("primary", broken)], before, Prune, commit: "c1"));
        var fresh = NewDestination();

        var after = Values(("a", "10"), ("b", "20"), ("c", "30"), ("d", "40"));
        var report = await harness.Executor().RunAsync(harness.Job([("primary", healthy), ("failing", broken), ("primary", fresh)], after, Prune, commit: "c2",
            commitTime: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.False(report.Succeeded);
        var failed = report.Sinks.Single(s => s.Sink == "failing");
        Assert.Equal(SinkOutcome.Failed, failed.Outcome);
        Assert.Contains("sink 'failing'", failed.Error);
        Assert.Contains(broken, failed.Error);
        Assert.Contains("injected failure", failed.Error);
        Assert.All(report.Sinks.Where(s => s.Sink == "primary"), s => Assert.Equal(SinkOutcome.RolledBack, s.Outcome));
        foreach (var destination in new[] { healthy, broken })
        {
            var snapshot = await sink.ReadAsync(Target(destination));
            Assert.Equal(before, Plain(snapshot));
            Assert.Equal("c1", snapshot.Provenance!.Commit);
            Assert.Equal(before.Keys.ToHashSet(), snapshot.Provenance.OwnedKeys);
        }
        var untouched = await sink.ReadAsync(Target(fresh));
        Assert.Empty(untouched.Values);
        Assert.Null(untouched.Provenance);
    }

    [Fact]
    public async Task Restore_puts_back_previous_values_and_removes_added_keys()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2"))));
        var snapshot = await sink.ReadAsync(Target(destination));
        await SyncAsync(harness, harness.Job(destination, Values(("a", "changed"), ("c", "added")), Prune, commit: "c2"));

        await sink.RestoreAsync(Target(destination), snapshot);
        var restored = await sink.ReadAsync(Target(destination));
        Assert.Equal(Values(("a", "1"), ("b", "2")), Plain(restored));
        Assert.Equal("c1", restored.Provenance!.Commit);
    }

    [Fact]
    public async Task Provenance_round_trips_secret_and_null_keys()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var secret = new HashSet<string>(["db.password"]);
        await SyncAsync(harness, harness.Job(destination, Values(("db.password", "s3cr3t-value"), ("optional", null), ("empty", "")), secretKeys: secret));

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal(["db.password"], snapshot.Provenance!.SecretKeys);
        Assert.Equal(["optional"], snapshot.Provenance.NullKeys);
        Assert.Equal("s3cr3t-value", snapshot.Values["db.password"].Reveal());
    }

    [Fact]
    public async Task Null_empty_and_unicode_values_round_trip()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var values = Values(
            ("null.value", null),
            ("empty.value", ""),
            ("unicode", "héllo ✓ 日本語 🚀"),
            ("multi.line", "line one\nline two\r\nline three"),
            ("quotes", "it's \"quoted\" and \\escaped\\"),
            ("shell", "#not a comment $HOME ${VAR} `cmd`"),
            ("spaces", "  padded  "),
            ("equals", "a=b=c"));
        if (SupportsUnicodeKeys) values["ключ.名前"] = "unicode key";
        await SyncAsync(harness, harness.Job(destination, values));

        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal(values, Plain(snapshot));
        Assert.True(snapshot.Values["null.value"].IsNull);
        Assert.False(snapshot.Values["empty.value"].IsNull);

        var again = await harness.Executor().RunAsync(harness.Job(destination, values));
        Assert.Equal(SinkOutcome.Unchanged, again.Sinks.Single().Outcome);
    }

    [Fact]
    public async Task Concurrent_syncs_to_one_destination_lose_nothing()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var jobs = Enumerable.Range(0, 6).Select(i =>
            harness.Job(destination, Values(($"file{i}.a", $"{i}"), ($"file{i}.b", $"{i * 10}")), file: $"config/file{i}.yaml")).ToList();

        var reports = await Task.WhenAll(jobs.Select(job => Task.Run(() => harness.Executor().RunAsync(job))));
        Assert.All(reports, r => Assert.True(r.Succeeded, r.Sinks.Single().Error));

        var all = Plain(await sink.ReadAsync(Target(destination)));
        Assert.Equal(12, all.Count);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal($"{i * 10}", all[$"file{i}.b"]);
            var provenance = (await sink.ReadAsync(Target(destination, $"config/file{i}.yaml"))).Provenance;
            Assert.Equal([$"file{i}.a", $"file{i}.b"], provenance!.OwnedKeys.Order());
        }
    }

    [Fact]
    public async Task A_no_change_smart_repair_sync_reads_once_and_writes_nothing()
    {
        var (sink, _) = await SetUpAsync();
        var counting = new CountingSink(sink);
        var harness = new SinkTestHarness(counting, SinkType);
        var destination = NewDestination();
        var rule = SinkTestHarness.Rule(strategy: SyncStrategy.SmartRepair);
        await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2")), rule));
        counting.Reads = counting.Applies = 0;

        var report = await SyncAsync(harness, harness.Job(destination, Values(("a", "1"), ("b", "2")), rule, commit: "c2"));
        Assert.Equal(SinkOutcome.Unchanged, report.Sinks.Single().Outcome);
        Assert.Equal(1, counting.Reads);
        Assert.Equal(0, counting.Applies);
    }

    [Fact]
    public async Task An_older_commit_never_overwrites_a_newer_one()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        await SyncAsync(harness, harness.Job(destination, Values(("a", "new")), commit: "newer", commitTime: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)));

        var report = await SyncAsync(harness, harness.Job(destination, Values(("a", "old")), commit: "older", commitTime: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(SinkOutcome.SkippedOlderCommit, report.Sinks.Single().Outcome);
        Assert.Contains("newer", report.Sinks.Single().Error);
        var snapshot = await sink.ReadAsync(Target(destination));
        Assert.Equal("new", snapshot.Values["a"].Reveal());
        Assert.Equal("newer", snapshot.Provenance!.Commit);
    }

    [Fact]
    public async Task Ten_thousand_keys_write_read_back_and_resync_only_what_changed()
    {
        var (sink, harness) = await SetUpAsync();
        var destination = NewDestination();
        var values = Enumerable.Range(0, LargeKeyCount).ToDictionary(i => $"section{i % 50}.key{i}", i => (string?)$"value-{i}", StringComparer.Ordinal);
        await SyncAsync(harness, harness.Job(destination, values));
        Assert.Equal(values, Plain(await sink.ReadAsync(Target(destination))));

        foreach (var key in values.Keys.Take(10).ToList()) values[key] = "changed";
        var report = await SyncAsync(harness, harness.Job(destination, values, commit: "c2"));
        Assert.Equal(10, report.Sinks.Single().Changes!.Changes.Count);
        Assert.Equal(values, Plain(await sink.ReadAsync(Target(destination))));
    }
}

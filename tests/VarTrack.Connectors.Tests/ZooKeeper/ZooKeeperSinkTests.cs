using System.Text;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.ZooKeeper;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>What users of the ZooKeeper sink rely on beyond the contract: the exact znode layout, ACLs, settings and failures.</summary>
public sealed class ZooKeeperSinkTests : IAsyncLifetime
{
    private const string OwnerToken = "contract%3Aconfig%2Fapp.yaml";
    private readonly string _testRoot = ZooKeeperTestServer.NewRoot();
    private readonly List<IAsyncDisposable> _disposables = [];
    private ZooKeeperClient _inspector = null!;
    private int _destinations;

    public async Task InitializeAsync()
    {
        _inspector = ZooKeeperTestServer.NewClient();
        // Created here with an open ACL, so a sink with a digest ACL never creates (and locks) the shared /vt-test.
        await ZooKeeperTestServer.EnsureAsync(_inspector, _testRoot);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables) await disposable.DisposeAsync();
        await ZooKeeperTestServer.DeleteTreeAsync(_testRoot, _inspector);
        await _inspector.DisposeAsync();
    }

    private string NewDestination() => $"{_testRoot}/app{Interlocked.Increment(ref _destinations)}/production";

    private async Task<ZooKeeperSink> SinkAsync(string mode = "path", params (string Name, string Value)[] extra)
    {
        var values = new Dictionary<string, string> { ["connection"] = ZooKeeperTestServer.ConnectionString, ["mode"] = mode };
        foreach (var (name, value) in extra) values[name] = value;
        var sink = (ZooKeeperSink)await new ZooKeeperSinkFactory().CreateAsync(ZooKeeperTestServer.Settings("zk", values));
        _disposables.Add(sink);
        return sink;
    }

    private static async Task<SyncReport> SyncAsync(ISink sink, string destination, IReadOnlyDictionary<string, string?> values, bool prune = false, string commit = "c1")
    {
        var harness = new SinkTestHarness(sink, "zookeeper");
        var report = await harness.Executor().RunAsync(harness.Job(destination, values, SinkTestHarness.Rule(prune), commit: commit));
        Assert.True(report.Succeeded, report.Sinks.Single().Error);
        return report;
    }

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    private static Dictionary<string, string?> Plain(Snapshot snapshot) => snapshot.Values.ToDictionary(v => v.Key, v => v.Value.Reveal(), StringComparer.Ordinal);

    private static SinkTarget Target(string destination, string file = "config/app.yaml") => new(destination, "contract", file);

    /// <summary>The znode's data as text, "(null)" for null data, "(absent)" when there is no znode.</summary>
    private async Task<string> DataAt(string path)
    {
        if (await _inspector.ExistsAsync(path) is null) return "(absent)";
        return (await _inspector.GetDataAsync(path)).Data is { } data ? Encoding.UTF8.GetString(data) : "(null)";
    }

    [Fact]
    public async Task Path_mode_puts_each_key_segment_in_its_own_znode_with_parents_holding_null_data()
    {
        var sink = await SinkAsync("path");
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("db.host", "db.internal"), ("db.port", "5432"), ("name", "shop"), ("empty", ""), ("optional", null)));

        Assert.Equal(["__vartrack__", "db", "empty", "name", "optional"], (await _inspector.GetChildrenAsync(root)).Order(StringComparer.Ordinal));
        Assert.Equal("(null)", await DataAt($"{root}/db"));
        Assert.Equal(["host", "port"], (await _inspector.GetChildrenAsync($"{root}/db")).Order(StringComparer.Ordinal));
        Assert.Equal("db.internal", await DataAt($"{root}/db/host"));
        Assert.Equal("5432", await DataAt($"{root}/db/port"));
        Assert.Equal("shop", await DataAt($"{root}/name"));
        Assert.Equal("", await DataAt($"{root}/empty"));
        Assert.Equal("", await DataAt($"{root}/optional")); // null is stored as empty data, listed in null_keys
        Assert.Equal("(null)", await DataAt($"{root}/__vartrack__"));
        Assert.Equal([OwnerToken], await _inspector.GetChildrenAsync($"{root}/__vartrack__"));
        var record = ProvenanceJson.Parse(await DataAt($"{root}/__vartrack__/{OwnerToken}"), "test");
        Assert.Equal(["optional"], record.NullKeys);
        Assert.Equal("(null)", await DataAt(ZooKeeperPath.Parent(root))); // the root's ancestors were created too

        var snapshot = await sink.ReadAsync(Target(root));
        Assert.Equal(Values(("db.host", "db.internal"), ("db.port", "5432"), ("name", "shop"), ("empty", ""), ("optional", null)), Plain(snapshot));
        // Another owner has no null_keys for it: to everyone else the null value is simply empty.
        Assert.Equal("", (await sink.ReadAsync(Target(root, "config/other.yaml"))).Values["optional"].Reveal());
    }

    [Fact]
    public async Task Dot_mode_puts_every_key_directly_under_the_root()
    {
        var sink = await SinkAsync("dot");
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("db.host", "db.internal"), ("db.port", "5432"), ("name", "shop")));

        Assert.Equal(["__vartrack__", "db.host", "db.port", "name"], (await _inspector.GetChildrenAsync(root)).Order(StringComparer.Ordinal));
        Assert.Equal("db.internal", await DataAt($"{root}/db.host"));
        Assert.Empty(await _inspector.GetChildrenAsync($"{root}/db.host"));
        Assert.Equal(Values(("db.host", "db.internal"), ("db.port", "5432"), ("name", "shop")), Plain(await sink.ReadAsync(Target(root))));
    }

    [Fact]
    public async Task A_parent_that_is_also_a_key_keeps_its_value_and_parents_left_empty_are_deleted()
    {
        var sink = await SinkAsync("path");
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("db", "main"), ("db.host", "x"), ("deep.a.b.c", "1"), ("keep", "k")), prune: true);
        Assert.Equal("main", await DataAt($"{root}/db"));
        Assert.Equal("x", await DataAt($"{root}/db/host"));
        Assert.Equal("(null)", await DataAt($"{root}/deep/a/b"));
        Assert.Equal(Values(("db", "main"), ("db.host", "x"), ("deep.a.b.c", "1"), ("keep", "k")), Plain(await sink.ReadAsync(Target(root))));

        // Removing a key that still has children keeps its znode as their parent, with null data: no longer a key.
        await SyncAsync(sink, root, Values(("db.host", "x"), ("keep", "k")), prune: true, commit: "c2");
        Assert.Equal("(null)", await DataAt($"{root}/db"));
        Assert.Equal("x", await DataAt($"{root}/db/host"));
        Assert.Equal("(absent)", await DataAt($"{root}/deep")); // every empty parent created for deep.a.b.c went with it
        Assert.Equal(Values(("db.host", "x"), ("keep", "k")), Plain(await sink.ReadAsync(Target(root))));

        // Removing its last child removes the parent too; the root and provenance stay.
        await SyncAsync(sink, root, Values(("keep", "k")), prune: true, commit: "c3");
        Assert.Equal("(absent)", await DataAt($"{root}/db"));
        Assert.Equal(["__vartrack__", "keep"], (await _inspector.GetChildrenAsync(root)).Order(StringComparer.Ordinal));

        // A parent that becomes a key gets the value in place.
        await SyncAsync(sink, root, Values(("keep", "k"), ("keep.child", "c")), prune: true, commit: "c4");
        await SyncAsync(sink, root, Values(("keep.child", "c")), prune: true, commit: "c5");
        Assert.Equal("(null)", await DataAt($"{root}/keep"));
        Assert.Equal(Values(("keep.child", "c")), Plain(await sink.ReadAsync(Target(root))));
    }

    [Fact]
    public async Task Znodes_made_by_hand_read_as_keys_when_they_hold_data()
    {
        var sink = await SinkAsync("path");
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("a", "1")));
        await _inspector.CreateAsync($"{root}/stranger", Encoding.UTF8.GetBytes("theirs"), ZooKeeperAcl.Open);
        await _inspector.CreateAsync($"{root}/folder", null, ZooKeeperAcl.Open);
        await _inspector.CreateAsync($"{root}/folder/inner", Encoding.UTF8.GetBytes("deep"), ZooKeeperAcl.Open);

        var snapshot = await sink.ReadAsync(Target(root));
        Assert.Equal(Values(("a", "1"), ("stranger", "theirs"), ("folder.inner", "deep")), Plain(snapshot));
        Assert.Equal(["a"], snapshot.Provenance!.OwnedKeys);
    }

    [Fact]
    public async Task Keys_that_cannot_be_znode_names_fail_before_anything_is_written()
    {
        var pathSink = await SinkAsync("path");
        var root = NewDestination();
        var harness = new SinkTestHarness(pathSink, "zookeeper");
        var report = await harness.Executor().RunAsync(harness.Job(root, Values(("good", "1"), ("a..b", "2"))));
        Assert.False(report.Succeeded);
        Assert.Contains("key 'a..b' cannot be stored in ZooKeeper: segment 2 ('') cannot be a znode name in path mode: it is empty", report.Sinks.Single().Error);
        Assert.Null(await _inspector.ExistsAsync(root));

        var dotSink = await SinkAsync("dot");
        var dotHarness = new SinkTestHarness(dotSink, "zookeeper");
        report = await dotHarness.Executor().RunAsync(dotHarness.Job(root, Values(("a/b", "1"))));
        Assert.Contains("key 'a/b' cannot be stored in ZooKeeper: it cannot be a znode name in dot mode: it contains '/'", report.Sinks.Single().Error);
        report = await dotHarness.Executor().RunAsync(dotHarness.Job(root, Values(("..", "1"))));
        Assert.Contains("key '..' cannot be stored in ZooKeeper", report.Sinks.Single().Error);
        Assert.Null(await _inspector.ExistsAsync(root));
    }

    [Theory]
    [InlineData("app/production", "destination 'app/production' is not a znode path such as /app/production: it must start with '/'")]
    [InlineData("/app/production/", "destination '/app/production/' is not a znode path such as /app/production: it must not end with '/'")]
    [InlineData("/app//production", "destination '/app//production' is not a znode path such as /app/production: segment '': it is empty")]
    [InlineData("/", "destination '/' is the ZooKeeper root; use a znode path below it such as /app/production")]
    public async Task A_destination_that_is_not_an_absolute_znode_path_is_a_clear_error(string destination, string message)
    {
        var sink = await SinkAsync();
        var read = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(destination)));
        Assert.Equal(message, read.Problems.Single().Message);
        var changes = new ChangeSet { Changes = [], ContentHash = "", OwnedKeysAfter = new HashSet<string>(), SecretKeys = new HashSet<string>() };
        await Assert.ThrowsAsync<VarTrackException>(() => sink.ApplyAsync(Target(destination), changes, null));
    }

    [Fact]
    public async Task A_value_too_large_for_a_znode_is_refused_naming_the_key()
    {
        var sink = await SinkAsync();
        var root = NewDestination();
        var harness = new SinkTestHarness(sink, "zookeeper");
        var report = await harness.Executor().RunAsync(harness.Job(root, Values(("small", "1"), ("huge", new string('x', ZooKeeperSink.MaxValueBytes + 1)))));
        Assert.Contains("value of key 'huge' is 1000001 bytes; a znode holds at most 1000000 bytes", report.Sinks.Single().Error);
        Assert.Null(await _inspector.ExistsAsync(root));
    }

    [Fact]
    public async Task Large_values_are_split_across_multis_under_the_request_limit()
    {
        var sink = await SinkAsync();
        var root = NewDestination();
        var values = Enumerable.Range(0, 6).ToDictionary(i => $"blob{i}", i => (string?)new string((char)('a' + i), 300_000), StringComparer.Ordinal);
        values["max"] = new string('m', ZooKeeperSink.MaxValueBytes);
        await SyncAsync(sink, root, values);
        Assert.Equal(values, Plain(await sink.ReadAsync(Target(root))));
    }

    [Fact]
    public void Writes_are_batched_by_op_count_and_bytes_with_the_last_op_in_the_last_batch()
    {
        var plan = new ZooKeeperWritePlan("/r", ZooKeeperAcl.Open);
        plan.Known("/r", new ZooKeeperStat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), null);
        for (var i = 0; i < 2500; i++) plan.Upsert($"/r/k{i}", [1]);
        plan.Upsert("/r/__vartrack__/owner", [2]);
        var batches = plan.Batches(ZooKeeperSink.MaxOpsPerMulti, ZooKeeperSink.MaxBytesPerMulti).ToList();
        Assert.Equal([1000, 1000, 502], batches.Select(b => b.Count));
        Assert.Equal("create /r/__vartrack__/owner", batches[^1][^1].ToString());
        Assert.Equal("create /r/__vartrack__", batches[^1][^2].ToString());

        var big = new ZooKeeperWritePlan("/r", ZooKeeperAcl.Open);
        big.Known("/r", new ZooKeeperStat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), null);
        for (var i = 0; i < 5; i++) big.Upsert($"/r/k{i}", new byte[200_000]);
        Assert.Equal([2, 2, 1], big.Batches(ZooKeeperSink.MaxOpsPerMulti, ZooKeeperSink.MaxBytesPerMulti).Select(b => b.Count));
    }

    [Fact]
    public async Task Writes_expect_the_versions_read_so_a_concurrent_change_fails_instead_of_being_lost()
    {
        var root = NewDestination();
        await ZooKeeperTestServer.EnsureAsync(_inspector, root);
        await _inspector.CreateAsync($"{root}/k", Encoding.UTF8.GetBytes("v0"), ZooKeeperAcl.Open);
        var plan = new ZooKeeperWritePlan(root, ZooKeeperAcl.Open);
        plan.Known(root, await _inspector.ExistsAsync(root), null);
        plan.Known($"{root}/k", await _inspector.ExistsAsync($"{root}/k"), null);
        await _inspector.SetDataAsync($"{root}/k", Encoding.UTF8.GetBytes("changed by hand"));

        plan.Upsert($"{root}/k", Encoding.UTF8.GetBytes("v1"));
        Assert.Equal(["setData " + root + "/k"], plan.Ops.Select(op => op.ToString()));
        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => _inspector.MultiAsync(plan.Ops));
        Assert.Equal(ZooKeeperErrorCode.BadVersion, error.Code);
        Assert.Equal("changed by hand", await DataAt($"{root}/k"));
    }

    [Fact]
    public async Task With_acl_settings_znodes_get_a_digest_acl_only_that_user_can_read()
    {
        var sink = await SinkAsync("path", ("acl_user", "vartrack"), ("acl_password", "s3cret-pass"));
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("db.host", "db.internal"), ("name", "shop")));
        Assert.Equal(Values(("db.host", "db.internal"), ("name", "shop")), Plain(await sink.ReadAsync(Target(root))));

        foreach (var path in new[] { $"{root}/name", $"{root}/db/host", $"{root}/__vartrack__/{OwnerToken}" })
        {
            var denied = await Assert.ThrowsAsync<ZooKeeperException>(() => _inspector.GetDataAsync(path));
            Assert.Equal(ZooKeeperErrorCode.NoAuth, denied.Code);
        }

        var intruder = await SinkAsync("path", ("acl_user", "vartrack"), ("acl_password", "wrong-pass"));
        var harness = new SinkTestHarness(intruder, "zookeeper");
        var report = await harness.Executor().RunAsync(harness.Job(root, Values(("name", "hijacked"))));
        Assert.False(report.Succeeded);
        var error = report.Sinks.Single().Error!;
        Assert.Contains($"destination '{root}'", error);
        Assert.Contains("NoAuth for '", error);
        Assert.DoesNotContain("wrong-pass", error);
        Assert.DoesNotContain("s3cret-pass", error);

        // Clean-up needs the owner's credentials.
        await _inspector.AddDigestAuthAsync("vartrack", "s3cret-pass");
    }

    [Fact]
    public async Task A_server_that_is_down_fails_with_the_address_and_destination_and_no_secret()
    {
        var port = TestServices.UnusedPort();
        var sink = (ZooKeeperSink)await new ZooKeeperSinkFactory().CreateAsync(ZooKeeperTestServer.Settings("zk-down", new Dictionary<string, string>
        {
            ["connection"] = $"127.0.0.1:{port}",
            ["acl_user"] = "vartrack",
            ["acl_password"] = "hunter2-secret",
        }));
        _disposables.Add(sink);
        var harness = new SinkTestHarness(sink, "zookeeper");
        var report = await harness.Executor().RunAsync(harness.Job("/app/production", Values(("a", "1"))));

        var failed = report.Sinks.Single();
        Assert.Equal(SinkOutcome.Failed, failed.Outcome);
        Assert.Contains("destination '/app/production'", failed.Error);
        Assert.Contains($"cannot connect to ZooKeeper at 127.0.0.1:{port}", failed.Error);
        Assert.DoesNotContain("hunter2", failed.Error);
    }

    [Fact]
    public async Task A_corrupt_provenance_record_is_a_clear_error_naming_its_znode()
    {
        var sink = await SinkAsync();
        var root = NewDestination();
        await SyncAsync(sink, root, Values(("a", "1")));
        var record = $"{root}/__vartrack__/{OwnerToken}";

        await _inspector.SetDataAsync(record, Encoding.UTF8.GetBytes("{not json"));
        var corrupt = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(root)));
        Assert.StartsWith($"provenance record at znode {record} is not valid:", corrupt.Problems.Single().Message);

        await _inspector.SetDataAsync(record, null);
        var empty = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(Target(root)));
        Assert.Equal($"provenance record at znode {record} is not valid: the znode holds no data (expected a JSON record)", empty.Problems.Single().Message);

        // Other owners' reads are not affected by this owner's broken record.
        Assert.Null((await sink.ReadAsync(Target(root, "config/other.yaml"))).Provenance);
    }

    [Fact]
    public async Task Session_timeout_setting_is_asked_of_the_server()
    {
        var sink = await SinkAsync("path", ("session_timeout", "10s"));
        await sink.ReadAsync(Target(NewDestination()));
        Assert.Equal(TimeSpan.FromSeconds(10), sink.Client.NegotiatedSessionTimeout);
    }

    [Theory]
    [InlineData("mode", "tree", "setting 'mode': 'tree' is not one of path, dot")]
    [InlineData("connection", "zk:notaport", "setting 'connection': expected host:port[,host:port...][/chroot]: host 'zk:notaport' has an invalid port (expected 1-65535)")]
    [InlineData("connection", "zk:2181/app/", "setting 'connection': expected host:port[,host:port...][/chroot]: chroot '/app/' is not a valid znode path: it must not end with '/'")]
    [InlineData("session_timeout", "soon", "setting 'session_timeout': expected a duration such as 30s")]
    [InlineData("acl_user", "vartrack", "setting 'acl_password': acl_user and acl_password go together")]
    [InlineData("acl_password", "secret", "setting 'acl_user': acl_user and acl_password go together")]
    public async Task Bad_settings_name_the_sink_and_the_setting(string setting, string value, string message)
    {
        var values = new Dictionary<string, string> { ["connection"] = "127.0.0.1:2181", [setting] = value };
        var error = await Assert.ThrowsAsync<VarTrackException>(() => new ZooKeeperSinkFactory().CreateAsync(ZooKeeperTestServer.Settings("zk-bad", values)));
        Assert.Equal($"sink 'zk-bad' (type zookeeper) {message}", error.Problems.Single().Message);
        Assert.Equal("zk-bad", error.Problems.Single().Sink);
    }

    [Fact]
    public async Task An_acl_user_with_a_colon_is_refused()
    {
        var values = new Dictionary<string, string> { ["connection"] = "127.0.0.1:2181", ["acl_user"] = "a:b", ["acl_password"] = "p" };
        var error = await Assert.ThrowsAsync<VarTrackException>(() => new ZooKeeperSinkFactory().CreateAsync(ZooKeeperTestServer.Settings("zk-bad", values)));
        Assert.Equal("sink 'zk-bad' (type zookeeper) setting 'acl_user': must be a non-empty name without ':'", error.Problems.Single().Message);
    }

    [Fact]
    public void The_factory_is_the_zookeeper_type() => Assert.Equal("zookeeper", new ZooKeeperSinkFactory().Type);
}

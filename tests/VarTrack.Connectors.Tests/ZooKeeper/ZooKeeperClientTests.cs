using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.ZooKeeper;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>The wire-protocol client against the real ZooKeeper (and scripted sockets for timeouts and notifications).</summary>
public sealed class ZooKeeperClientTests : IAsyncLifetime
{
    private readonly string _root = ZooKeeperTestServer.NewRoot();
    private ZooKeeperClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = ZooKeeperTestServer.NewClient();
        await ZooKeeperTestServer.EnsureAsync(_client, _root);
    }

    public async Task DisposeAsync()
    {
        await ZooKeeperTestServer.DeleteTreeAsync(_root, _client);
        await _client.DisposeAsync();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Connect_negotiates_a_session_with_the_server()
    {
        await using var client = ZooKeeperTestServer.NewClient(sessionTimeout: TimeSpan.FromSeconds(10));
        await client.ConnectAsync();
        Assert.NotEqual(0, client.SessionId);
        Assert.Equal(TimeSpan.FromSeconds(10), client.NegotiatedSessionTimeout);
    }

    [Fact]
    public async Task Session_timeout_is_bounded_by_the_server()
    {
        // The test server's tickTime is 2s: sessions are bounded to 4..40s.
        await using var client = ZooKeeperTestServer.NewClient(sessionTimeout: TimeSpan.FromMilliseconds(500));
        await client.ConnectAsync();
        Assert.Equal(TimeSpan.FromSeconds(4), client.NegotiatedSessionTimeout);
    }

    [Fact]
    public async Task Create_exists_get_set_children_and_delete_round_trip()
    {
        var path = $"{_root}/node";
        Assert.Null(await _client.ExistsAsync(path));
        Assert.Equal(path, await _client.CreateAsync(path, Utf8("héllo ✓"), ZooKeeperAcl.Open));

        var stat = await _client.ExistsAsync(path);
        Assert.NotNull(stat);
        Assert.Equal(0, stat.Version);
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo ✓"), stat.DataLength);

        var data = await _client.GetDataAsync(path);
        Assert.Equal("héllo ✓", Encoding.UTF8.GetString(data.Data!));

        var updated = await _client.SetDataAsync(path, Utf8("second"), version: 0);
        Assert.Equal(1, updated.Version);
        Assert.Equal("second", Encoding.UTF8.GetString((await _client.GetDataAsync(path)).Data!));

        await _client.CreateAsync($"{path}/b", null, ZooKeeperAcl.Open);
        await _client.CreateAsync($"{path}/a", null, ZooKeeperAcl.Open);
        Assert.Equal(["a", "b"], (await _client.GetChildrenAsync(path)).Order());
        Assert.Equal(2, (await _client.ExistsAsync(path))!.NumChildren);

        await _client.DeleteAsync($"{path}/a", version: 0);
        await _client.DeleteAsync($"{path}/b");
        await _client.DeleteAsync(path, version: 1);
        Assert.Null(await _client.ExistsAsync(path));
    }

    [Fact]
    public async Task Null_data_and_empty_data_stay_distinct()
    {
        await _client.CreateAsync($"{_root}/null", null, ZooKeeperAcl.Open);
        await _client.CreateAsync($"{_root}/empty", [], ZooKeeperAcl.Open);
        Assert.Null((await _client.GetDataAsync($"{_root}/null")).Data);
        Assert.Empty((await _client.GetDataAsync($"{_root}/empty")).Data!);

        await _client.SetDataAsync($"{_root}/empty", null);
        Assert.Null((await _client.GetDataAsync($"{_root}/empty")).Data);
    }

    [Fact]
    public async Task Server_errors_carry_the_code_name_and_the_path()
    {
        var missing = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.GetDataAsync($"{_root}/missing"));
        Assert.Equal(ZooKeeperErrorCode.NoNode, missing.Code);
        Assert.Equal($"{_root}/missing", missing.Path);
        Assert.Equal($"NoNode for '{_root}/missing': the znode does not exist", missing.Message);

        await _client.CreateAsync($"{_root}/x", Utf8("1"), ZooKeeperAcl.Open);
        var exists = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.CreateAsync($"{_root}/x", Utf8("2"), ZooKeeperAcl.Open));
        Assert.Equal(ZooKeeperErrorCode.NodeExists, exists.Code);
        Assert.Contains("NodeExists", exists.Message);

        var version = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.SetDataAsync($"{_root}/x", Utf8("3"), version: 5));
        Assert.Equal(ZooKeeperErrorCode.BadVersion, version.Code);
        Assert.Contains($"BadVersion for '{_root}/x'", version.Message);
        await Assert.ThrowsAsync<ZooKeeperException>(() => _client.DeleteAsync($"{_root}/x", version: 3));

        await _client.CreateAsync($"{_root}/x/child", null, ZooKeeperAcl.Open);
        var notEmpty = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.DeleteAsync($"{_root}/x"));
        Assert.Equal(ZooKeeperErrorCode.NotEmpty, notEmpty.Code);

        var noParent = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.CreateAsync($"{_root}/no/parent", null, ZooKeeperAcl.Open));
        Assert.Equal(ZooKeeperErrorCode.NoNode, noParent.Code);

        Assert.Equal("1", Encoding.UTF8.GetString((await _client.GetDataAsync($"{_root}/x")).Data!));
    }

    [Fact]
    public async Task Invalid_paths_are_refused_before_sending()
    {
        var relative = await Assert.ThrowsAsync<ArgumentException>(() => _client.GetDataAsync("relative/path"));
        Assert.Contains("must start with '/'", relative.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetDataAsync($"{_root}/a//b"));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetDataAsync($"{_root}/trailing/"));
    }

    [Fact]
    public async Task A_thousand_pipelined_requests_each_get_their_own_reply()
    {
        var ops = Enumerable.Range(0, 1000).Select(i => ZooKeeperOp.Create($"{_root}/n{i}", Utf8($"value {i}"), ZooKeeperAcl.Open)).ToList();
        await _client.MultiAsync(ops);

        var watch = Stopwatch.StartNew();
        var replies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => _client.GetDataAsync($"{_root}/n{i}")));
        watch.Stop();
        for (var i = 0; i < 1000; i++) Assert.Equal($"value {i}", Encoding.UTF8.GetString(replies[i].Data!));
        // A bound against a hang only: on loopback even a thousand sequential round trips fit in a few seconds, so a
        // tight bound would not tell pipelining apart and would only fail on a loaded machine (ZooKeeper shares it).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"1000 pipelined getData took {watch.Elapsed}");
        Assert.Equal(1000, (await _client.GetChildrenAsync(_root)).Count);
    }

    [Fact]
    public async Task Multi_applies_every_op_and_returns_their_results()
    {
        await _client.CreateAsync($"{_root}/existing", Utf8("old"), ZooKeeperAcl.Open);
        await _client.CreateAsync($"{_root}/doomed", null, ZooKeeperAcl.Open);
        var results = await _client.MultiAsync([
            ZooKeeperOp.Create($"{_root}/new", Utf8("v"), ZooKeeperAcl.Open),
            ZooKeeperOp.Check($"{_root}/existing", 0),
            ZooKeeperOp.SetData($"{_root}/existing", Utf8("new"), 0),
            ZooKeeperOp.Delete($"{_root}/doomed", 0),
        ]);

        Assert.Equal(4, results.Count);
        Assert.Equal($"{_root}/new", results[0].CreatedPath);
        Assert.Equal(1, results[2].Stat!.Version);
        Assert.Null(results[3].Stat);
        Assert.Equal("v", Encoding.UTF8.GetString((await _client.GetDataAsync($"{_root}/new")).Data!));
        Assert.Equal("new", Encoding.UTF8.GetString((await _client.GetDataAsync($"{_root}/existing")).Data!));
        Assert.Null(await _client.ExistsAsync($"{_root}/doomed"));
    }

    [Fact]
    public async Task A_failing_op_rolls_the_whole_multi_back()
    {
        await _client.CreateAsync($"{_root}/kept", Utf8("before"), ZooKeeperAcl.Open);
        var failure = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.MultiAsync([
            ZooKeeperOp.Create($"{_root}/a", Utf8("1"), ZooKeeperAcl.Open),
            ZooKeeperOp.SetData($"{_root}/kept", Utf8("after")),
            ZooKeeperOp.SetData($"{_root}/missing", Utf8("x")),
            ZooKeeperOp.Create($"{_root}/b", Utf8("2"), ZooKeeperAcl.Open),
        ]));

        Assert.Equal(ZooKeeperErrorCode.NoNode, failure.Code);
        Assert.Equal($"{_root}/missing", failure.Path);
        Assert.Equal(2, failure.OpIndex);
        Assert.Contains("nothing in that multi was applied", failure.Message);
        Assert.Null(await _client.ExistsAsync($"{_root}/a"));
        Assert.Null(await _client.ExistsAsync($"{_root}/b"));
        Assert.Equal("before", Encoding.UTF8.GetString((await _client.GetDataAsync($"{_root}/kept")).Data!));

        var check = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.MultiAsync([
            ZooKeeperOp.Create($"{_root}/c", null, ZooKeeperAcl.Open),
            ZooKeeperOp.Check($"{_root}/kept", 7),
        ]));
        Assert.Equal(ZooKeeperErrorCode.BadVersion, check.Code);
        Assert.Equal(1, check.OpIndex);
        Assert.Null(await _client.ExistsAsync($"{_root}/c"));

        // The connection is still good after failed multis.
        Assert.NotNull(await _client.ExistsAsync($"{_root}/kept"));
    }

    [Fact]
    public async Task Digest_auth_and_acl_keep_other_sessions_out()
    {
        await using var owner = ZooKeeperTestServer.NewClient();
        await owner.AddDigestAuthAsync("vt-user", "pa55word");
        var acl = new[] { ZooKeeperAcl.Digest("vt-user", "pa55word") };
        await owner.CreateAsync($"{_root}/secret", Utf8("hidden"), acl);
        Assert.Equal("hidden", Encoding.UTF8.GetString((await owner.GetDataAsync($"{_root}/secret")).Data!));

        var denied = await Assert.ThrowsAsync<ZooKeeperException>(() => _client.GetDataAsync($"{_root}/secret"));
        Assert.Equal(ZooKeeperErrorCode.NoAuth, denied.Code);
        Assert.Contains($"NoAuth for '{_root}/secret'", denied.Message);

        await using var wrong = ZooKeeperTestServer.NewClient();
        await wrong.AddDigestAuthAsync("vt-user", "not-the-password");
        Assert.Equal(ZooKeeperErrorCode.NoAuth, (await Assert.ThrowsAsync<ZooKeeperException>(() => wrong.GetDataAsync($"{_root}/secret"))).Code);

        // Auth added after connecting is sent right away.
        await _client.AddDigestAuthAsync("vt-user", "pa55word");
        Assert.Equal("hidden", Encoding.UTF8.GetString((await _client.GetDataAsync($"{_root}/secret")).Data!));
        await _client.DeleteAsync($"{_root}/secret");
    }

    [Fact]
    public async Task A_dropped_connection_fails_calls_in_flight_and_the_next_call_opens_a_new_session_with_auth_replayed()
    {
        var (host, port) = ZooKeeperConnectionString.Parse(ZooKeeperTestServer.ConnectionString).Hosts[0];
        await using var relay = new TcpRelay(host, port);
        await using var client = ZooKeeperTestServer.NewClient($"127.0.0.1:{relay.Port}");
        await client.AddDigestAuthAsync("vt-user", "pa55word");
        await client.CreateAsync($"{_root}/guarded", Utf8("v"), [ZooKeeperAcl.Digest("vt-user", "pa55word")]);
        var firstSession = client.SessionId;

        var inFlight = Enumerable.Range(0, 200).Select(_ => client.GetDataAsync($"{_root}/guarded")).ToList();
        relay.DropAll();
        foreach (var call in inFlight)
        {
            try
            {
                await call;
            }
            catch (IOException lost)
            {
                Assert.Contains($"127.0.0.1:{relay.Port}", lost.Message);
            }
        }
        var deadline = Stopwatch.StartNew();
        while (client.SessionId != 0 && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        Assert.Equal(0, client.SessionId);

        Assert.Equal("v", Encoding.UTF8.GetString((await client.GetDataAsync($"{_root}/guarded")).Data!));
        Assert.NotEqual(0, client.SessionId);
        Assert.NotEqual(firstSession, client.SessionId);
        Assert.Equal(2, relay.Accepted);
        await client.DeleteAsync($"{_root}/guarded");
    }

    [Fact]
    public async Task Pings_keep_an_idle_session_alive_past_its_timeout()
    {
        await using var client = ZooKeeperTestServer.NewClient(sessionTimeout: TimeSpan.FromSeconds(4));
        await client.ConnectAsync();
        var session = client.SessionId;
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.NotNull(await client.ExistsAsync(_root));
        Assert.Equal(session, client.SessionId);
    }

    [Fact]
    public async Task Close_ends_the_session_and_a_later_call_opens_a_new_one()
    {
        await using var client = ZooKeeperTestServer.NewClient();
        await client.ConnectAsync();
        var session = client.SessionId;
        await client.CloseAsync();
        Assert.Equal(0, client.SessionId);
        Assert.NotNull(await client.ExistsAsync(_root));
        Assert.NotEqual(session, client.SessionId);
    }

    [Fact]
    public async Task Hosts_are_tried_in_order_and_a_chroot_prefixes_every_path()
    {
        var chroot = $"{_root}/chroot";
        await _client.CreateAsync(chroot, null, ZooKeeperAcl.Open);
        await using var client = ZooKeeperTestServer.NewClient($"127.0.0.1:{TestServices.UnusedPort()},{ZooKeeperTestServer.ConnectionString}{chroot}");

        Assert.Equal("/a", await client.CreateAsync("/a", Utf8("in chroot"), ZooKeeperAcl.Open));
        var results = await client.MultiAsync([ZooKeeperOp.Create("/b", null, ZooKeeperAcl.Open)]);
        Assert.Equal("/b", results[0].CreatedPath);
        Assert.Equal(["a", "b"], (await client.GetChildrenAsync("/")).Order());
        Assert.Equal("in chroot", Encoding.UTF8.GetString((await _client.GetDataAsync($"{chroot}/a")).Data!));
        var missing = await Assert.ThrowsAsync<ZooKeeperException>(() => client.GetDataAsync("/missing"));
        Assert.Equal("/missing", missing.Path);
    }

    [Fact]
    public async Task Connection_refused_names_every_host_tried()
    {
        var first = TestServices.UnusedPort();
        var second = TestServices.UnusedPort();
        await using var client = ZooKeeperTestServer.NewClient($"127.0.0.1:{first},127.0.0.1:{second}");
        var error = await Assert.ThrowsAsync<IOException>(() => client.ExistsAsync("/"));
        Assert.Contains($"cannot connect to ZooKeeper at 127.0.0.1:{first}", error.Message);
        Assert.Contains($"127.0.0.1:{second}", error.Message);
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_times_out_naming_host_and_port()
    {
        await using var silent = ScriptedZooKeeperServer.NeverAnswering();
        await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectionString = silent.Endpoint, ConnectTimeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.GetDataAsync("/x"));
        Assert.Equal($"ZooKeeper at {silent.Endpoint} did not answer the connection within 1s", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_request_without_reply_times_out_naming_host_and_port_and_the_next_call_reconnects()
    {
        await using var server = ScriptedZooKeeperServer.AnsweringHandshakeOnly();
        await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectionString = server.Endpoint, RequestTimeout = TimeSpan.FromMilliseconds(500) });
        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.GetDataAsync("/x"));
        Assert.Equal($"ZooKeeper at {server.Endpoint} did not answer GetData /x within 0.5s", error.Message);
        Assert.Equal(0, client.SessionId);
        await Assert.ThrowsAsync<TimeoutException>(() => client.ExistsAsync("/y"));
    }

    [Fact]
    public async Task Watch_notifications_are_skipped()
    {
        await using var server = ScriptedZooKeeperServer.NotifyingBeforeEachReply();
        await using var client = new ZooKeeperClient(new ZooKeeperClientOptions { ConnectionString = server.Endpoint });
        var stats = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.ExistsAsync($"/n{i}")));
        // The scripted server echoes each request's xid as the stat version: every reply went to its own request.
        Assert.Equal(50, stats.Select(s => s!.Version).Distinct().Count());
    }

    [Fact]
    public void Connection_strings_parse_hosts_ports_and_chroot()
    {
        var parsed = ZooKeeperConnectionString.Parse("zk1:2181,zk2,[::1]:2182/app/config");
        Assert.Equal([("zk1", 2181), ("zk2", 2181), ("::1", 2182)], parsed.Hosts);
        Assert.Equal("/app/config", parsed.Chroot);
        Assert.Null(ZooKeeperConnectionString.Parse("zk:1/").Chroot);
        Assert.Contains("invalid port", Assert.Throws<FormatException>(() => ZooKeeperConnectionString.Parse("zk:notaport")).Message);
        Assert.Contains("empty entry", Assert.Throws<FormatException>(() => ZooKeeperConnectionString.Parse("zk:1,,zk:2")).Message);
        Assert.Contains("chroot", Assert.Throws<FormatException>(() => ZooKeeperConnectionString.Parse("zk:1/app/")).Message);
    }

    [Fact]
    public void Digest_acl_id_is_user_and_base64_sha1_of_user_colon_password()
    {
        // The value ZooKeeper's DigestAuthenticationProvider.generateDigest gives for super:test (a widely published example).
        Assert.Equal("super:D/InIHSb7yEEbrWz8b9l71RjZJU=", ZooKeeperAcl.Digest("super", "test").Id);
        Assert.Equal("digest", ZooKeeperAcl.Digest("super", "test").Scheme);
        Assert.Equal(31, ZooKeeperAcl.Digest("super", "test").Permissions);
    }
}

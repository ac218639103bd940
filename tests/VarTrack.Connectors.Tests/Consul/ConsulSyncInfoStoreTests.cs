using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VarTrack.Connectors.Consul;
using VarTrack.Connectors.Tests.Replication;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Tests.Consul;

/// <summary>
/// The contract against <see cref="FakeConsulServer"/> (Consul itself cannot be installed here: the fake follows the
/// documented KV and transaction HTTP API), with an ACL token required, plus the key layout, requests and failures.
/// </summary>
public sealed class ConsulSyncInfoStoreTests : SyncInfoStoreContractTests, IAsyncLifetime
{
    private readonly ConcurrentBag<ConsulSyncInfoStore> _stores = [];
    private readonly string _token = "consul-acl-token-" + Guid.NewGuid().ToString("N");
    private FakeConsulServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync();
        _server.RequiredToken = _token;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) store.Dispose();
        await _server.DisposeAsync();
    }

    protected override ISyncInfoStore CreateStore() => Track(ConsulSyncInfoStore.Create(_server.Address.ToString(), _token));

    protected override int LargestBucket => FakeConsulServer.MaxValueSize;

    private string Agent => _server.Address.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private ConsulSyncInfoStore Track(ConsulSyncInfoStore store)
    {
        _stores.Add(store);
        return store;
    }

    private void AssertNoToken(string message) => Assert.DoesNotContain(_token, message, StringComparison.Ordinal);

    [Fact]
    public async Task The_keys_written_are_the_documented_layout_and_the_tag_is_the_ModifyIndex()
    {
        await Store.WriteBucketAsync(Owner, "0123456789abcdef01234567", 0, Bytes("b0"));
        await Store.WriteBucketAsync(Owner, "0123456789abcdef01234567", 1234, Bytes("b1234"));
        var tag = await Store.WriteIndexAsync(Owner, Bytes("{}"), expectedTag: null);

        Assert.Equal(
        [
            $"vartrack/vault-sync/{Owner}/generations/0123456789abcdef01234567/bucket-0000.json",
            $"vartrack/vault-sync/{Owner}/generations/0123456789abcdef01234567/bucket-1234.json",
            $"vartrack/vault-sync/{Owner}/index.json",
        ], _server.Keys);
        Assert.Equal("b1234", Text(_server.Value($"vartrack/vault-sync/{Owner}/generations/0123456789abcdef01234567/bucket-1234.json")));
        Assert.Equal("{}", Text(_server.Value($"vartrack/vault-sync/{Owner}/index.json")));
        Assert.True(ulong.Parse(tag, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_key_prefix_puts_everything_under_it_and_shows_in_the_description()
    {
        var store = Track(ConsulSyncInfoStore.Create(_server.Address.ToString(), _token, "team-a/sync.v1"));

        await store.WriteIndexAsync("o1", Bytes("i"), expectedTag: null);
        await store.WriteBucketAsync("o1", "g1", 2, Bytes("b"));

        Assert.Equal(["team-a/sync.v1/o1/generations/g1/bucket-0002.json", "team-a/sync.v1/o1/index.json"], _server.Keys);
        Assert.Equal($"consul kv team-a/sync.v1 at {Agent}", store.Description);
        Assert.Equal($"consul kv vartrack/vault-sync at {Agent}", Store.Description);
        Assert.Equal("team-a/sync.v1/o1/index.json", store.IndexKey("o1"));
        Assert.Equal("team-a/sync.v1/o1/generations/g1/bucket-0002.json", store.BucketKey("o1", "g1", 2));
    }

    [Fact]
    public async Task Each_operation_is_one_request_of_the_documented_API()
    {
        var prefix = $"/v1/kv/vartrack/vault-sync/{Owner}";
        for (var bucket = 0; bucket < 5; bucket++) await Store.WriteBucketAsync(Owner, "g1", bucket, Bytes("x"));
        await Store.WriteBucketAsync(Owner, "g2", 0, Bytes("x"));
        _server.TakeRequests();

        var tag = await Store.WriteIndexAsync(Owner, Bytes("i"), expectedTag: null);
        Assert.Equal(["PUT /v1/txn"], _server.TakeRequests());
        await Store.WriteIndexAsync(Owner, Bytes("i2"), tag);
        Assert.Equal(["PUT /v1/txn"], _server.TakeRequests());
        await Store.ReadIndexAsync(Owner);
        Assert.Equal([$"GET {prefix}/index.json"], _server.TakeRequests());
        await Store.ReadBucketAsync(Owner, "g1", 3);
        Assert.Equal([$"GET {prefix}/generations/g1/bucket-0003.json?raw"], _server.TakeRequests());
        await Store.WriteBucketAsync(Owner, "g1", 3, Bytes("y"));
        Assert.Equal([$"PUT {prefix}/generations/g1/bucket-0003.json"], _server.TakeRequests());
        Assert.Equal(2, (await Store.ListGenerationsAsync(Owner)).Count);
        Assert.Equal([$"GET {prefix}/generations/?keys&separator=%2F"], _server.TakeRequests());
        await Store.DeleteGenerationAsync(Owner, "g1");
        Assert.Equal([$"DELETE {prefix}/generations/g1/?recurse"], _server.TakeRequests());
        await Store.DeleteIndexAsync(Owner);
        Assert.Equal([$"DELETE {prefix}/index.json"], _server.TakeRequests());
    }

    [Fact]
    public async Task A_hand_edit_of_the_index_changes_its_ModifyIndex_so_a_publisher_that_read_before_it_conflicts()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("published"), expectedTag: null);
        _server.Put($"vartrack/vault-sync/{Owner}/index.json", Bytes("edited by hand"));

        await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("next"), tag));

        Assert.Equal("edited by hand", Text((await Store.ReadIndexAsync(Owner))?.Data));
    }

    [Fact]
    public async Task Keys_that_are_not_generations_are_not_listed()
    {
        await Store.WriteBucketAsync(Owner, "g1", 0, Bytes("x"));
        _server.Put($"vartrack/vault-sync/{Owner}/generations/stray.json", Bytes("foreign"));
        _server.Put($"vartrack/vault-sync/{Owner}/generations/not.ours/bucket-0000.json", Bytes("foreign"));

        Assert.Equal(["g1"], await Store.ListGenerationsAsync(Owner));
    }

    [Fact]
    public async Task A_tag_that_is_no_ModifyIndex_is_refused()
    {
        foreach (var tag in new[] { "\"0x8D0\"", "0", "-1", "abc", "" })
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteIndexAsync(Owner, Bytes("x"), tag));
            Assert.Contains($"'{tag}' is not a tag of consul kv", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bucket_over_the_value_limit_is_a_clear_error_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.WriteBucketAsync(Owner, "g1", 1, new byte[FakeConsulServer.MaxValueSize + 1]));

        Assert.StartsWith($"cannot write the sync info bucket 'vartrack/vault-sync/{Owner}/generations/g1/bucket-0001.json': consul refused the value as too large (413: Request body(524289 bytes) too large", error.Message, StringComparison.Ordinal);
        Assert.Contains("kv_max_value_size", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.ReadBucketAsync(Owner, "g1", 1));
    }

    [Fact]
    public async Task A_wrong_or_missing_token_is_reported_as_access_refused_without_the_token()
    {
        var wrongToken = "wrong-token-" + Guid.NewGuid().ToString("N");
        foreach (var store in new[] { Track(ConsulSyncInfoStore.Create(_server.Address.ToString(), wrongToken)), Track(ConsulSyncInfoStore.Create(_server.Address.ToString())) })
        {
            var read = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.ReadIndexAsync("o1"));
            var publish = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.WriteIndexAsync("o1", Bytes("x"), null));

            Assert.Equal($"cannot read the sync info index 'vartrack/vault-sync/o1/index.json': access refused by consul at {Agent} (403: ACL not found); check the ACL token and its key policy for 'vartrack/vault-sync/'", read.Message);
            Assert.StartsWith("cannot publish the sync info index 'vartrack/vault-sync/o1/index.json': access refused by consul", publish.Message, StringComparison.Ordinal);
            Assert.True(read.IsAccessDenied && publish.IsAccessDenied);
            Assert.DoesNotContain(wrongToken, read.Message + publish.Message, StringComparison.Ordinal);
            AssertNoToken(read.Message + publish.Message);
        }
    }

    [Fact]
    public async Task A_token_that_may_read_but_not_write_is_access_refused_not_a_conflict()
    {
        var tag = await Store.WriteIndexAsync(Owner, Bytes("first"), expectedTag: null);
        _server.ReadOnlyPrefix = "vartrack/vault-sync/";

        var publish = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.WriteIndexAsync(Owner, Bytes("second"), tag));
        var bucket = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.WriteBucketAsync(Owner, "g1", 0, Bytes("b")));

        Assert.True(publish.IsAccessDenied && bucket.IsAccessDenied);
        Assert.Equal($"cannot publish the sync info index 'vartrack/vault-sync/{Owner}/index.json': access refused by consul at {Agent} (409: Permission denied); " +
                     "check the ACL token and its key policy for 'vartrack/vault-sync/'", publish.Message);
        Assert.Equal("first", Text((await Store.ReadIndexAsync(Owner))!.Data));

        // A stale tag with write access is still a conflict.
        _server.ReadOnlyPrefix = null;
        await Store.WriteIndexAsync(Owner, Bytes("second"), tag);
        await Assert.ThrowsAsync<SyncInfoConflictException>(() => Store.WriteIndexAsync(Owner, Bytes("third"), tag));
    }

    [Fact]
    public async Task A_server_error_echoing_the_token_is_reported_with_the_token_masked()
    {
        _server.InjectFault("kv/", 500, $"rpc error: token {_token} caused\na failure");

        var error = await Assert.ThrowsAsync<SyncInfoStoreException>(() => Store.ReadBucketAsync(Owner, "g1", 0));

        Assert.Equal($"cannot read the sync info bucket 'vartrack/vault-sync/{Owner}/generations/g1/bucket-0000.json': consul at {Agent} answered 500: rpc error: token *** caused a failure", error.Message);
        AssertNoToken(error.Message);
    }

    [Fact]
    public async Task An_unreachable_agent_gives_a_prompt_error_naming_the_key_and_the_agent_without_the_token()
    {
        var port = TestServices.UnusedPort();
        var store = Track(ConsulSyncInfoStore.Create($"http://127.0.0.1:{port}", _token));
        var reason = $"cannot reach http://127.0.0.1:{port} (connection refused)";

        foreach (var (expected, run) in new (string, Func<Task>)[]
        {
            ("cannot read the sync info index 'vartrack/vault-sync/o1/index.json'", () => store.ReadIndexAsync("o1")),
            ("cannot publish the sync info index 'vartrack/vault-sync/o1/index.json'", () => store.WriteIndexAsync("o1", Bytes("x"), null)),
            ("cannot read the sync info bucket 'vartrack/vault-sync/o1/generations/g1/bucket-0003.json'", () => store.ReadBucketAsync("o1", "g1", 3)),
            ("cannot write the sync info bucket 'vartrack/vault-sync/o1/generations/g1/bucket-0003.json'", () => store.WriteBucketAsync("o1", "g1", 3, Bytes("x"))),
            ("cannot list the sync info generations under 'vartrack/vault-sync/o1/generations/'", () => store.ListGenerationsAsync("o1")),
            ("cannot delete the sync info generation 'vartrack/vault-sync/o1/generations/g1/'", () => store.DeleteGenerationAsync("o1", "g1")),
            ("cannot delete the sync info index 'vartrack/vault-sync/o1/index.json'", () => store.DeleteIndexAsync("o1")),
        })
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SyncInfoStoreException>(run);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"'{expected}' took {clock.Elapsed}");
            Assert.Equal($"{expected}: {reason}", error.Message);
            Assert.False(error.IsAccessDenied);
            AssertNoToken(error.Message);
        }
    }

    [Fact]
    public async Task An_agent_that_never_answers_times_out_after_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the backlog) and never answers
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var store = Track(ConsulSyncInfoStore.Create($"http://127.0.0.1:{port}", _token, timeout: TimeSpan.FromSeconds(1)));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SyncInfoStoreException>(() => store.ReadIndexAsync("o1"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal($"cannot read the sync info index 'vartrack/vault-sync/o1/index.json': timed out after 1 s talking to http://127.0.0.1:{port}", error.Message);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var store = Track(ConsulSyncInfoStore.Create($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReadIndexAsync("o1", cancel.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/vartrack")]
    [InlineData("vartrack/")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("a b")]
    [InlineData("ü")]
    [InlineData("a?b")]
    public void A_bad_key_prefix_is_refused_naming_it(string prefix)
    {
        var error = Assert.Throws<VarTrackException>(() => ConsulSyncInfoStore.Create(_server.Address.ToString(), keyPrefix: prefix));
        Assert.Contains($"consul key prefix '{prefix}' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:8500")]
    [InlineData("127.0.0.1:8500")]
    public void A_bad_address_is_refused(string address)
    {
        var error = Assert.Throws<VarTrackException>(() => ConsulSyncInfoStore.Create(address));
        Assert.Contains("consul address is not an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_with_credentials_is_refused_without_repeating_them()
    {
        var error = Assert.Throws<VarTrackException>(() => ConsulSyncInfoStore.Create("http://user:s3cr3t-password@127.0.0.1:8500"));
        Assert.Contains("must not hold credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-password", error.Message, StringComparison.Ordinal);
    }
}

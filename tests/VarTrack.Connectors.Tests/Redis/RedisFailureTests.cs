using System.Diagnostics;
using StackExchange.Redis;
using VarTrack.Connectors.Redis;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>Server down, authentication refused, bad stored data and lost races end in clear errors naming the destination, with no secret.</summary>
public sealed class RedisFailureTests : IAsyncLifetime
{
    private readonly List<string> _destinations = [];

    public Task InitializeAsync() => RedisTestServer.AdminAsync();

    public Task DisposeAsync() => RedisTestServer.DeleteAsync(_destinations);

    private SinkTarget NewTarget(string mode)
    {
        var destination = RedisTestServer.NewDestination(mode);
        _destinations.Add(destination);
        return new SinkTarget(destination, "contract", "config/app.yaml");
    }

    private static async Task<RedisSink> SinkAsync(string connection, string mode = "hash") =>
        (RedisSink)await new RedisSinkFactory().CreateAsync(RedisTestServer.Settings(new Dictionary<string, string> { ["connection"] = connection, ["mode"] = mode }));

    [Fact]
    public async Task A_server_that_is_down_gives_a_clear_error_naming_the_destination_and_no_password()
    {
        var port = TestServices.UnusedPort();
        await using var sink = await SinkAsync($"127.0.0.1:{port},password=pw-must-not-leak,connectTimeout=2000");
        var target = new SinkTarget("app:prod", "contract", "config/app.yaml");

        var stopwatch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisSinkException>(() => sink.ReadAsync(target));
        Assert.Equal($"reading redis destination 'app:prod' failed: cannot connect to redis at 127.0.0.1:{port} (unable to connect; is the server running and reachable?)", ex.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");

        // Through the executor, as users see it: sink name and type first, then the same reason.
        var harness = new SinkTestHarness(sink, "redis");
        var report = await harness.Executor().RunAsync(harness.Job("app:prod", new Dictionary<string, string?> { ["a"] = "1" }));
        var error = report.Sinks.Single().Error!;
        Assert.Equal(SinkOutcome.Failed, report.Sinks.Single().Outcome);
        Assert.StartsWith("sink 'primary' (redis) destination 'app:prod': reading redis destination 'app:prod' failed: cannot connect", error);
        Assert.DoesNotContain("pw-must-not-leak", error);
    }

    [Fact]
    public async Task A_refused_password_gives_a_clear_error_without_the_password()
    {
        var admin = (await RedisTestServer.AdminAsync()).GetServers()[0];
        var user = $"vt-test-user-{Guid.NewGuid():N}"[..24];
        await admin.ExecuteAsync("ACL", "SETUSER", user, "on", ">right-password-1", "~vt-test:*", "+@all");
        try
        {
            var target = NewTarget("hash");
            await using (var wrong = await SinkAsync($"{TestServices.Redis},user={user},password=wrong-password-2"))
            {
                var ex = await Assert.ThrowsAsync<RedisSinkException>(() => wrong.ReadAsync(target));
                Assert.Equal($"reading redis destination '{target.Destination}' failed: authentication as user '{user}' was refused " +
                             "(check the user and password in the 'connection' setting)", ex.Message);
                Assert.DoesNotContain("wrong-password-2", ex.ToString());
                Assert.DoesNotContain("right-password-1", ex.ToString());
            }

            // The same user with the right password works, so the refusal above was about the password.
            await using var right = await SinkAsync($"{TestServices.Redis},user={user},password=right-password-1");
            Assert.Empty((await right.ReadAsync(target)).Values);
        }
        finally
        {
            await admin.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task A_corrupt_provenance_record_is_a_clear_error_naming_where_it_is()
    {
        var db = await RedisTestServer.DatabaseAsync();
        foreach (var mode in new[] { "hash", "string", "json" })
        {
            await using var sink = await RedisTestServer.CreateSinkAsync(mode);
            var target = NewTarget(mode);
            await db.HashSetAsync(target.Destination + ":__vartrack__", target.Owner, "{\"rule\": 42");

            var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(target));
            Assert.StartsWith($"provenance record at redis hash '{target.Destination}:__vartrack__' field 'contract:config/app.yaml' is not valid: ",
                ex.Problems.Single().Message);
        }
    }

    [Fact]
    public async Task A_json_document_that_is_not_a_flat_map_is_a_clear_error()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("json");
        var target = NewTarget("json");
        await (await RedisTestServer.DatabaseAsync()).StringSetAsync(target.Destination, "[1,2]");

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => sink.ReadAsync(target));
        Assert.Equal($"document at redis key '{target.Destination}' is not a flat JSON map: expected a JSON object of key -> value, found array", ex.Problems.Single().Message);
    }

    [Fact]
    public async Task A_destination_holding_another_type_is_a_clear_error()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash");
        var target = NewTarget("hash");
        await (await RedisTestServer.DatabaseAsync()).StringSetAsync(target.Destination, "a plain string");

        var ex = await Assert.ThrowsAsync<RedisSinkException>(() => sink.ReadAsync(target));
        Assert.Equal($"reading redis destination '{target.Destination}' failed: redis refused the command: WRONGTYPE Operation against a key holding the wrong kind of value", ex.Message);
    }

    [Fact]
    public async Task A_json_document_edited_while_the_sink_writes_fails_the_write_and_keeps_the_edit()
    {
        var db = await RedisTestServer.DatabaseAsync();
        var target = NewTarget("json");
        await db.StringSetAsync(target.Destination, """{"a":"1"}""");
        var mode = new RedisJsonMode { BeforeWrite = () => db.StringSetAsync(target.Destination, """{"a":"edited by hand"}""") };
        await using var sink = new RedisSink(new RedisConnection(ConfigurationOptions.Parse(TestServices.Redis)), 0, mode);
        var changes = new ChangeSet
        {
            Changes = [new KeyChange("b", ChangeKind.Add, null, FlatValue.Text("2"), false)],
            ContentHash = "h",
            OwnedKeysAfter = new HashSet<string> { "b" },
            SecretKeys = new HashSet<string>(),
        };

        var ex = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(target, changes, null));
        Assert.Equal($"redis key '{target.Destination}' changed after VarTrack read it (edited by hand or by another writer); nothing was written, run the sync again",
            ex.Message);
        Assert.True(ex.NothingWritten);
        Assert.Equal("""{"a":"edited by hand"}""", (string?)await db.StringGetAsync(target.Destination));
        Assert.False(await db.KeyExistsAsync(target.Destination + ":__vartrack__"));
    }

    [Fact]
    public async Task A_json_document_created_while_the_sink_writes_a_new_destination_fails_the_write()
    {
        var db = await RedisTestServer.DatabaseAsync();
        var target = NewTarget("json");
        var mode = new RedisJsonMode { BeforeWrite = () => db.StringSetAsync(target.Destination, """{"x":"created by hand"}""") };
        await using var sink = new RedisSink(new RedisConnection(ConfigurationOptions.Parse(TestServices.Redis)), 0, mode);
        var changes = new ChangeSet
        {
            Changes = [new KeyChange("b", ChangeKind.Add, null, FlatValue.Text("2"), false)],
            ContentHash = "h",
            OwnedKeysAfter = new HashSet<string> { "b" },
            SecretKeys = new HashSet<string>(),
        };

        var ex = await Assert.ThrowsAsync<DestinationChangedException>(() => sink.ApplyAsync(target, changes, null));
        Assert.True(ex.NothingWritten);
        Assert.Equal("""{"x":"created by hand"}""", (string?)await db.StringGetAsync(target.Destination));
    }
}

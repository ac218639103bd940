using static VarTrack.Connectors.Tests.Sinks.DirectChanges;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>
/// Proves with Redis MONITOR which commands the sink sends: one MULTI/EXEC per read and per write, one HSET (the
/// client sends HMSET, its multi-field form) for all changed fields, one HDEL for all removed fields. SELECT (connection
/// state, pipelined with the next command), PING and ECHO (heartbeats) are not counted.
/// </summary>
public sealed class RedisBatchingTests : IAsyncLifetime
{
    private readonly List<string> _destinations = [];

    public Task InitializeAsync() => RedisTestServer.AdminAsync();

    public Task DisposeAsync() => RedisTestServer.DeleteAsync(_destinations);

    private SinkTarget NewTarget(string mode)
    {
        var destination = RedisTestServer.NewDestination(mode);
        _destinations.Add(destination);
        return new SinkTarget(destination, "batching", "config/app.yaml");
    }

    /// <summary>The commands the sink's own connection sent, from its first command touching <paramref name="key"/> to the EXEC that closes it.</summary>
    private static async Task<List<RedisMonitor.MonitoredCommand>> TransactionTouchingAsync(RedisMonitor monitor, string key)
    {
        var all = await monitor.WaitForAsync(c => c.Words.Count > 1 && c.Words[1] == key);
        var client = all.First(c => c.Words.Count > 1 && c.Words[1] == key).Client;
        all = await monitor.WaitForAsync(c => c.Client == client && c.Name == "EXEC");
        var mine = all.Where(c => c.Client == client && c.Name is not ("PING" or "ECHO" or "SELECT")).ToList();
        var start = mine.FindLastIndex(mine.FindIndex(c => c.Words.Count > 1 && c.Words[1] == key), c => c.Name is "MULTI" or "WATCH");
        var end = mine.FindIndex(start, c => c.Name == "EXEC");
        Assert.True(start >= 0 && end > start, "no MULTI ... EXEC around the command: " + string.Join(" | ", mine));
        return mine[start..(end + 1)];
    }

    [Fact]
    public async Task A_hash_write_is_one_multi_exec_with_one_hset_of_every_field_one_hdel_and_the_provenance()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash");
        var target = NewTarget("hash");
        string[] gone = ["gone.a", "gone.b", "gone.c"];
        await sink.ApplyAsync(target, Changes(gone), Record(gone));
        var adds = Enumerable.Range(0, 200).Select(i => $"section.key{i}").ToList();

        await using var monitor = await RedisMonitor.StartAsync();
        await sink.ApplyAsync(target, Changes(adds, gone), Record(adds));

        var sent = await TransactionTouchingAsync(monitor, target.Destination);
        Assert.Equal(["MULTI", "HMSET", "HDEL", "HSET", "EXEC"], sent.Select(c => c.Name == "HSET" && c.Words[1] == target.Destination ? "HMSET" : c.Name));
        Assert.Equal(2 + 2 * adds.Count, sent[1].Words.Count);
        Assert.Equal(target.Destination, sent[1].Words[1]);
        Assert.Equal([target.Destination, .. gone], sent[2].Words.Skip(1));
        Assert.Equal([target.Destination + ":__vartrack__", "batching:config/app.yaml"], sent[3].Words.Skip(1).Take(2));
        Assert.Equal(1, monitor.Commands.Count(c => c.Name == "MULTI" && c.Client == sent[0].Client));
    }

    [Fact]
    public async Task A_hash_read_is_one_multi_exec_with_hgetall_and_the_owners_provenance_field()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash");
        var target = NewTarget("hash");
        await sink.ApplyAsync(target, Changes(["a", "b"]), Record(["a", "b"]));

        await using var monitor = await RedisMonitor.StartAsync();
        var snapshot = await sink.ReadAsync(target);

        Assert.Equal(2, snapshot.Values.Count);
        var sent = await TransactionTouchingAsync(monitor, target.Destination);
        Assert.Equal(["MULTI", "HGETALL", "HGET", "EXEC"], sent.Select(c => c.Name));
        Assert.Equal([target.Destination + ":__vartrack__", "batching:config/app.yaml"], sent[2].Words.Skip(1));
    }

    [Fact]
    public async Task A_sync_of_a_thousand_new_keys_sends_one_read_transaction_and_one_write_transaction()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash");
        var harness = new SinkTestHarness(sink, "redis");
        var target = NewTarget("hash");
        await sink.ReadAsync(NewTarget("hash")); // connect before monitoring, so handshake commands are not counted
        var values = Enumerable.Range(0, 1000).ToDictionary(i => $"k{i}", i => (string?)$"v{i}");

        await using var monitor = await RedisMonitor.StartAsync();
        var report = await harness.Executor().RunAsync(harness.Job(target.Destination, values));
        Assert.True(report.Succeeded, report.Sinks.Single().Error);

        var provenanceKey = target.Destination + ":__vartrack__";
        var all = await monitor.WaitForAsync(c => c.Name == "HSET" && c.Words[1] == provenanceKey);
        var client = all.First(c => c.Name == "HSET" && c.Words[1] == provenanceKey).Client;
        all = await monitor.WaitUntilAsync(commands => commands.Count(c => c.Client == client && c.Name == "EXEC") >= 2);
        var mine = all.Where(c => c.Client == client && c.Name is not ("PING" or "ECHO" or "SELECT")).ToList();
        Assert.Equal(["MULTI", "HGETALL", "HGET", "EXEC", "MULTI", "HMSET", "HSET", "EXEC"], mine.Select((c, i) => i == 5 && c.Name == "HSET" ? "HMSET" : c.Name));
        Assert.Equal(2 + 2 * values.Count, mine[5].Words.Count);
    }

    [Fact]
    public async Task A_string_write_is_one_multi_exec_with_one_mset_and_one_unlink()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("string");
        var target = NewTarget("string");
        await sink.ApplyAsync(target, Changes(["gone.a", "gone.b"]), Record(["gone.a", "gone.b"]));

        await using var monitor = await RedisMonitor.StartAsync();
        await sink.ApplyAsync(target, Changes(["a", "b", "c"], ["gone.a", "gone.b"]), Record(["a", "b", "c"]));

        var sent = await TransactionTouchingAsync(monitor, target.Destination + ":a");
        Assert.Equal(["MULTI", "MSET", "UNLINK", "HSET", "EXEC"], sent.Select(c => c.Name));
        Assert.Equal([$"{target.Destination}:a", "value of a", $"{target.Destination}:b", "value of b", $"{target.Destination}:c", "value of c"], sent[1].Words.Skip(1));
        Assert.Equal([$"{target.Destination}:gone.a", $"{target.Destination}:gone.b"], sent[2].Words.Skip(1));
    }

    [Fact]
    public async Task A_json_write_watches_the_document_and_writes_it_and_the_provenance_in_one_multi_exec()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("json");
        var target = NewTarget("json");
        await sink.ApplyAsync(target, Changes(["a"]), Record(["a"]));

        await using var monitor = await RedisMonitor.StartAsync();
        await sink.ApplyAsync(target, Changes(["b"]), Record(["a", "b"]));

        // MONITOR shows every client, also other tests': find this sink's connection first, then wait for its EXEC
        // (any EXEC could be another test's, seen before this sink's commands).
        var all = await monitor.WaitForAsync(c => c.Words.Count > 1 && c.Words[1] == target.Destination);
        var client = all.First(c => c.Words.Count > 1 && c.Words[1] == target.Destination).Client;
        all = await monitor.WaitForAsync(c => c.Client == client && c.Name == "EXEC");
        var mine = all.Where(c => c.Client == client && c.Name is not ("PING" or "ECHO" or "SELECT")).ToList();
        Assert.Equal(["GET", "WATCH", "GET", "MULTI", "SET", "HSET", "EXEC"], mine.Select(c => c.Name));
        Assert.Equal("""{"a":"value of a","b":"value of b"}""", mine[4].Words[2]);
    }
}

using StackExchange.Redis;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>The exact keys, fields and values each mode writes: what applications and people read (the README layout).</summary>
public sealed class RedisLayoutTests : IAsyncLifetime
{
    private const string Owner = "contract:config/app.yaml";
    private readonly List<(string Destination, int Database)> _destinations = [];

    public Task InitializeAsync() => RedisTestServer.AdminAsync();

    public async Task DisposeAsync()
    {
        foreach (var group in _destinations.GroupBy(d => d.Database))
            await RedisTestServer.DeleteAsync(group.Select(d => d.Destination), group.Key);
    }

    private string NewDestination(string mode, int database = 0)
    {
        var destination = RedisTestServer.NewDestination(mode);
        _destinations.Add((destination, database));
        return destination;
    }

    private static readonly Dictionary<string, string?> Sample = new(StringComparer.Ordinal)
    {
        ["db.host"] = "db.internal",
        ["db.port"] = "5432",
        ["optional"] = null,
        ["empty"] = "",
    };

    private static async Task SyncAsync(ISink sink, string destination, IReadOnlyDictionary<string, string?> values)
    {
        var harness = new SinkTestHarness(sink, "redis");
        var report = await harness.Executor().RunAsync(harness.Job(destination, values));
        Assert.True(report.Succeeded, report.Sinks.Single().Error);
    }

    private static async Task AssertProvenanceHashAsync(IDatabase db, string destination, params string[] nullKeys)
    {
        var provenanceKey = destination + ":__vartrack__";
        Assert.Equal(RedisType.Hash, await db.KeyTypeAsync(provenanceKey));
        var fields = await db.HashGetAllAsync(provenanceKey);
        var field = Assert.Single(fields);
        Assert.Equal(Owner, (string)field.Name!);
        var record = ProvenanceJson.Parse((string)field.Value!, "test");
        Assert.Equal(Sample.Keys.Order(), record.OwnedKeys.Order());
        Assert.Equal(nullKeys, record.NullKeys.Order());
        Assert.StartsWith("""{"schema_version":1,"rule":"contract",""", (string)field.Value!);
        Assert.Null(await db.KeyTimeToLiveAsync(provenanceKey));
    }

    [Fact]
    public async Task Hash_mode_writes_one_hash_with_a_field_per_key_and_null_as_empty_text()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash");
        var destination = NewDestination("hash");
        await SyncAsync(sink, destination, Sample);

        var db = await RedisTestServer.DatabaseAsync();
        Assert.Equal([destination, destination + ":__vartrack__"], await RedisTestServer.KeysOfAsync(destination));
        Assert.Equal(RedisType.Hash, await db.KeyTypeAsync(destination));
        var fields = (await db.HashGetAllAsync(destination)).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "db.internal", ["db.port"] = "5432", ["optional"] = "", ["empty"] = "" }, fields);
        await AssertProvenanceHashAsync(db, destination, "optional");
        Assert.True((await sink.ReadAsync(new SinkTarget(destination, "contract", "config/app.yaml"))).Values["optional"].IsNull);
    }

    [Fact]
    public async Task String_mode_writes_one_string_key_per_flat_key_under_the_destination()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("string");
        var destination = NewDestination("string");
        await SyncAsync(sink, destination, Sample);

        var db = await RedisTestServer.DatabaseAsync();
        Assert.Equal(new[] { "db.host", "db.port", "empty", "optional", "__vartrack__" }.Select(k => $"{destination}:{k}").Order(StringComparer.Ordinal),
            await RedisTestServer.KeysOfAsync(destination));
        Assert.Equal("db.internal", (string?)await db.StringGetAsync($"{destination}:db.host"));
        Assert.Equal("5432", (string?)await db.StringGetAsync($"{destination}:db.port"));
        Assert.Equal("", (string?)await db.StringGetAsync($"{destination}:optional"));
        Assert.Equal("", (string?)await db.StringGetAsync($"{destination}:empty"));
        Assert.Null(await db.KeyTimeToLiveAsync($"{destination}:db.host"));
        await AssertProvenanceHashAsync(db, destination, "optional");
    }

    [Fact]
    public async Task Json_mode_writes_one_string_key_holding_the_sorted_flat_json_map()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("json");
        var destination = NewDestination("json");
        await SyncAsync(sink, destination, Sample);

        var db = await RedisTestServer.DatabaseAsync();
        Assert.Equal([destination, destination + ":__vartrack__"], await RedisTestServer.KeysOfAsync(destination));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync(destination));
        Assert.Equal("""{"db.host":"db.internal","db.port":"5432","empty":"","optional":null}""", (string?)await db.StringGetAsync(destination));
        await AssertProvenanceHashAsync(db, destination, "optional");
    }

    [Fact]
    public async Task Json_mode_removes_the_key_when_the_map_becomes_empty()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("json");
        var destination = NewDestination("json");
        var target = new SinkTarget(destination, "contract", "config/app.yaml");
        await SyncAsync(sink, destination, Sample);

        await ((ISink)sink).RestoreAsync(target, VarTrack.Core.Planning.Snapshot.Empty);
        Assert.Empty(await RedisTestServer.KeysOfAsync(destination));
    }

    [Fact]
    public async Task Keys_written_by_hand_are_read_as_part_of_the_destination()
    {
        var db = await RedisTestServer.DatabaseAsync();
        foreach (var mode in new[] { "hash", "string", "json" })
        {
            await using var sink = await RedisTestServer.CreateSinkAsync(mode);
            var destination = NewDestination(mode);
            _ = mode switch
            {
                "hash" => await db.HashSetAsync(destination, "by.hand", "1"),
                "string" => await db.StringSetAsync($"{destination}:by.hand", "1"),
                _ => await db.StringSetAsync(destination, """{"by.hand":1}"""),
            };

            var snapshot = await sink.ReadAsync(new SinkTarget(destination, "contract", "config/app.yaml"));
            Assert.Equal("1", Assert.Single(snapshot.Values, v => v.Key == "by.hand").Value.Reveal());
            Assert.Null(snapshot.Provenance);
        }
    }

    [Fact]
    public async Task String_mode_matches_glob_characters_in_the_destination_literally()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("string");
        var baseName = NewDestination("string");
        var destination = baseName + ":a*[b]?\\";
        _destinations.Add((destination, 0));
        var db = await RedisTestServer.DatabaseAsync();
        // Would match the unescaped pattern "<base>:a*[b]?\:*".
        await db.StringSetAsync(baseName + ":axxb!\\:stranger", "not mine");
        await SyncAsync(sink, destination, new Dictionary<string, string?> { ["mine"] = "yes" });

        var snapshot = await sink.ReadAsync(new SinkTarget(destination, "contract", "config/app.yaml"));
        Assert.Equal(["mine"], snapshot.Values.Keys);
    }

    [Fact]
    public async Task The_database_setting_selects_the_redis_database()
    {
        await using var sink = await RedisTestServer.CreateSinkAsync("hash", ("database", "3"));
        var destination = NewDestination("hash", database: 3);
        await SyncAsync(sink, destination, Sample);

        Assert.True(await (await RedisTestServer.DatabaseAsync(3)).KeyExistsAsync(destination));
        Assert.False(await (await RedisTestServer.DatabaseAsync(0)).KeyExistsAsync(destination));
    }
}

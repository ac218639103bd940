using StackExchange.Redis;
using VarTrack.Connectors.Redis;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Config;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>
/// The shared test Redis (<see cref="TestServices.Redis"/>): an admin connection to look at what the sink wrote, sinks
/// built through the real factory, unique destinations, and clean-up of every key a test created.
/// </summary>
public static class RedisTestServer
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Admin = new(() => ConnectionMultiplexer.ConnectAsync($"{TestServices.Redis},allowAdmin=true"));

    /// <summary>Fails the test with a clear message when Redis is not running, else the admin connection.</summary>
    public static async Task<ConnectionMultiplexer> AdminAsync()
    {
        TestServices.Require("Redis", TestServices.Redis);
        return await Admin.Value;
    }

    public static async Task<IDatabase> DatabaseAsync(int database = 0) => (await AdminAsync()).GetDatabase(database);

    public static string NewDestination(string mode) => $"vt-test:{mode}:{Guid.NewGuid():N}";

    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, string name = "redis-test") =>
        SinkSettings.FromText(new SinkDefinition(name, "redis", TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>()), values);

    /// <summary>A sink from the factory against the test server; extra settings are added to <c>connection</c>.</summary>
    public static async Task<RedisSink> CreateSinkAsync(string mode, params (string Name, string Value)[] extra)
    {
        await AdminAsync();
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["connection"] = TestServices.Redis, ["mode"] = mode };
        foreach (var (name, value) in extra) values[name] = value;
        return (RedisSink)await new RedisSinkFactory().CreateAsync(Settings(values));
    }

    /// <summary>Every key a destination may have produced: the key itself, its provenance hash and <c>destination:*</c>.</summary>
    public static async Task<List<string>> KeysOfAsync(string destination, int database = 0)
    {
        var admin = await AdminAsync();
        var keys = new List<string>();
        var db = admin.GetDatabase(database);
        if (await db.KeyExistsAsync(destination)) keys.Add(destination);
        foreach (var server in admin.GetServers().Where(s => !s.IsReplica))
            await foreach (var key in server.KeysAsync(database, RedisStringMode.Pattern(destination), 1000))
                keys.Add((string)key!);
        return keys.Order(StringComparer.Ordinal).ToList();
    }

    public static async Task DeleteAsync(IEnumerable<string> destinations, int database = 0)
    {
        var db = (await AdminAsync()).GetDatabase(database);
        foreach (var destination in destinations)
        {
            var keys = await KeysOfAsync(destination, database);
            foreach (var batch in keys.Chunk(1000))
                await db.KeyDeleteAsync(batch.Select(k => (RedisKey)k).ToArray());
        }
    }
}

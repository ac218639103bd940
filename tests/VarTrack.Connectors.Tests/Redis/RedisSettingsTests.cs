using VarTrack.Connectors.Redis;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Tests.Redis;

/// <summary>Bad <c>type: redis</c> settings fail when the sink is created, naming the sink and the setting, never a password.</summary>
public sealed class RedisSettingsTests
{
    private static async Task<string> ErrorOf(params (string Name, string Value)[] settings)
    {
        var values = settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new RedisSinkFactory().CreateAsync(RedisTestServer.Settings(values, "cache")));
        Assert.Equal("cache", ex.Problems.Single().Sink);
        return ex.Problems.Single().Message;
    }

    [Theory]
    [InlineData("hash")]
    [InlineData("json")]
    public async Task A_ttl_outside_string_mode_is_refused(string mode)
    {
        var message = await ErrorOf(("connection", "127.0.0.1:6379"), ("mode", mode), ("ttl", "10m"));
        Assert.Equal($"sink 'cache' (type redis): 'ttl' only applies to mode 'string' (one key per value); this sink uses mode '{mode}', which keeps the whole map in one key", message);
    }

    [Fact]
    public async Task A_ttl_with_the_default_mode_is_refused()
    {
        var message = await ErrorOf(("connection", "127.0.0.1:6379"), ("ttl", "10m"));
        Assert.Contains("'ttl' only applies to mode 'string'", message);
        Assert.Contains("mode 'hash'", message);
    }

    [Theory]
    [InlineData("soon", "'ttl' must be a duration such as 30s, 10m or 1h, found 'soon'")]
    [InlineData("0s", "'ttl' must be at least 1ms, found '0s'")]
    public async Task A_bad_ttl_is_refused(string ttl, string expected)
    {
        Assert.Equal($"sink 'cache' (type redis): {expected}", await ErrorOf(("connection", "127.0.0.1:6379"), ("mode", "string"), ("ttl", ttl)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("two")]
    public async Task A_bad_database_is_refused(string database)
    {
        Assert.Equal($"sink 'cache' (type redis): 'database' must be a database number (0 or more), found '{database}'",
            await ErrorOf(("connection", "127.0.0.1:6379"), ("database", database)));
    }

    [Fact]
    public async Task A_missing_connection_is_refused()
    {
        Assert.Contains("'connection'", await ErrorOf(("mode", "hash")));
    }

    [Fact]
    public async Task A_connection_without_a_server_is_refused_without_echoing_the_password()
    {
        var message = await ErrorOf(("connection", "password=hunter2-secret"));
        Assert.Equal("sink 'cache' (type redis): 'connection' names no Redis server (expected host:port[,option=value...])", message);
    }

    [Fact]
    public async Task An_invalid_connection_option_is_refused_without_echoing_the_password()
    {
        var message = await ErrorOf(("connection", "127.0.0.1:6379,password=hunter2-secret,connectTimeout=soon"));
        Assert.StartsWith("sink 'cache' (type redis): 'connection' is not a valid Redis connection string: ", message);
        Assert.Contains("connectTimeout", message);
        Assert.DoesNotContain("hunter2-secret", message);
    }

    [Fact]
    public async Task An_unknown_mode_is_refused()
    {
        Assert.Equal("sink 'cache' (type redis): 'mode' must be hash, string or json, found 'list'", await ErrorOf(("connection", "127.0.0.1:6379"), ("mode", "list")));
    }

    [Fact]
    public async Task Sentinel_and_cluster_connection_strings_are_accepted_without_connecting()
    {
        await using var sentinel = (RedisSink)await new RedisSinkFactory().CreateAsync(
            RedisTestServer.Settings(new Dictionary<string, string> { ["connection"] = "sentinel-a:26379,sentinel-b:26379,serviceName=mymaster,password=x" }));
        await using var cluster = (RedisSink)await new RedisSinkFactory().CreateAsync(
            RedisTestServer.Settings(new Dictionary<string, string> { ["connection"] = "node-a:7000,node-b:7001,node-c:7002", ["mode"] = "string", ["ttl"] = "1h" }));
    }
}

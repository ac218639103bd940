using VarTrack.Connectors.Sinks;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;
using StackExchange.Redis;

namespace VarTrack.Connectors.Redis;

/// <summary>
/// Creates <c>type: redis</c> sinks. Settings: <c>connection</c> (a StackExchange.Redis connection string, passed to
/// <see cref="ConfigurationOptions.Parse(string)"/>, so Sentinel <c>serviceName=</c> and cluster endpoints work),
/// <c>mode</c> hash|string|json (default hash), <c>ttl</c> (string mode only) and <c>database</c>.
/// </summary>
public sealed class RedisSinkFactory : ISinkFactory
{
    public string Type => "redis";

    public Task<ISink> CreateAsync(SinkSettings settings, CancellationToken cancellationToken = default)
    {
        var mode = settings.Choice("mode", "hash");
        var ttl = ReadTtl(settings, mode);
        var options = ReadConnection(settings);
        var database = ReadDatabase(settings) ?? options.DefaultDatabase ?? 0;
        RedisStorageMode layout = mode switch
        {
            "hash" => new RedisHashMode(),
            "string" => new RedisStringMode(ttl),
            "json" => new RedisJsonMode(),
            _ => throw Bad(settings, $"'mode' must be hash, string or json, found '{mode}'"),
        };
        return Task.FromResult<ISink>(new RedisSink(new RedisConnection(options), database, layout));
    }

    private static TimeSpan? ReadTtl(SinkSettings settings, string mode)
    {
        if (settings.Text("ttl") is not { } text) return null;
        var ttl = settings.Duration("ttl") ?? throw Bad(settings, $"'ttl' must be a duration such as 30s, 10m or 1h, found '{text}'");
        if (mode != "string")
            throw Bad(settings, $"'ttl' only applies to mode 'string' (one key per value); this sink uses mode '{mode}', which keeps the whole map in one key");
        if (ttl < TimeSpan.FromMilliseconds(1))
            throw Bad(settings, $"'ttl' must be at least 1ms, found '{text}'");
        return ttl;
    }

    private static int? ReadDatabase(SinkSettings settings)
    {
        if (settings.Text("database") is not { } text) return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var database)
            ? database
            : throw Bad(settings, $"'database' must be a database number (0 or more), found '{text}'");
    }

    private static ConfigurationOptions ReadConnection(SinkSettings settings)
    {
        var connection = settings.RequiredText("connection");
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connection);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
        {
            throw Bad(settings, $"'connection' is not a valid Redis connection string: {Scrub(ex.Message, connection)}");
        }
        if (options.EndPoints.Count == 0)
            throw Bad(settings, "'connection' names no Redis server (expected host:port[,option=value...])");
        return options;
    }

    /// <summary>Library parse errors may quote what they were given: mask the connection string and any password in it.</summary>
    private static string Scrub(string message, string connection)
    {
        var secrets = connection.Split(',')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Contains("password", StringComparison.OrdinalIgnoreCase) && pair[1].Length > 0)
            .Select(pair => pair[1])
            .Prepend(connection);
        foreach (var secret in secrets) message = message.Replace(secret, "***", StringComparison.Ordinal);
        return message;
    }

    private static VarTrackException Bad(SinkSettings settings, string message) =>
        new(new Problem($"sink '{settings.Name}' (type redis): {message}") { Sink = settings.Name });
}

using VarTrack.Connectors.Mongo;
using VarTrack.Core.Config;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>Creates MongoDB sinks the way the product does (through <see cref="MongoSinkFactory"/> and settings), and disposes them after the test.</summary>
public sealed class MongoTestSinks : IAsyncDisposable
{
    public const string Database = "vartrack";

    private readonly List<ISink> _sinks = [];

    /// <summary>Short, so "server down" tests finish quickly; only for servers that are down.</summary>
    public static readonly TimeSpan ServerDownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// For servers that are up: server selection needs the driver's monitor to connect and hear back from the
    /// in-process fake server, which on a loaded machine can take longer than the 2 s the "down" tests use.
    /// </summary>
    public static readonly TimeSpan ServerUpTimeout = TimeSpan.FromSeconds(30);

    public static SinkSettings Settings(IReadOnlyDictionary<string, string> values, string name = "mongo") =>
        SinkSettings.FromText(new SinkDefinition(name, "mongodb", TemplateString.Parse("{file}"), new Dictionary<string, SettingValue>()), values);

    public async Task<ISink> CreateAsync(string connection, string collection, string mode, string database = Database, TimeSpan? timeout = null)
    {
        var sink = await new MongoSinkFactory(timeout ?? ServerUpTimeout).CreateAsync(Settings(new Dictionary<string, string>
        {
            ["connection"] = connection,
            ["database"] = database,
            ["collection"] = collection,
            ["mode"] = mode,
        }));
        _sinks.Add(sink);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _sinks)
            if (sink is IAsyncDisposable disposable) await disposable.DisposeAsync();
        _sinks.Clear();
    }
}

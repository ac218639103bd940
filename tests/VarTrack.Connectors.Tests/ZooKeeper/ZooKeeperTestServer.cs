using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.ZooKeeper;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Sync;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>The real ZooKeeper started by scripts/services.sh (VT_ZOOKEEPER, default 127.0.0.1:12181) and helpers for test trees under /vt-test.</summary>
public static class ZooKeeperTestServer
{
    /// <summary>host:port; fails the test with a clear message when ZooKeeper is not running.</summary>
    public static string ConnectionString
    {
        get
        {
            TestServices.Require("ZooKeeper", TestServices.ZooKeeper);
            return TestServices.ZooKeeper;
        }
    }

    /// <summary>A test root no other test uses.</summary>
    public static string NewRoot() => $"/vt-test/{Guid.NewGuid():N}";

    public static ZooKeeperClient NewClient(string? connection = null, TimeSpan? sessionTimeout = null) => new(new ZooKeeperClientOptions
    {
        ConnectionString = connection ?? ConnectionString,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(20),
    });

    /// <summary>Settings for a "zookeeper" sink named <paramref name="name"/>, as vartrack.yaml would give them.</summary>
    public static SinkSettings Settings(string name, IReadOnlyDictionary<string, string> values)
    {
        var definition = new SinkDefinition(name, "zookeeper", TemplateString.Parse("{file}"),
            values.ToDictionary(v => v.Key, v => new SettingValue(v.Value, SourcePosition.None), StringComparer.Ordinal));
        return SinkSettings.FromText(definition, values);
    }

    /// <summary>Creates <paramref name="path"/> and its missing ancestors with null data and an open ACL.</summary>
    public static async Task EnsureAsync(ZooKeeperClient client, string path)
    {
        var current = "";
        foreach (var segment in path[1..].Split('/'))
        {
            current += "/" + segment;
            try
            {
                await client.CreateAsync(current, null, ZooKeeperAcl.Open);
            }
            catch (ZooKeeperException ex) when (ex.Code == ZooKeeperErrorCode.NodeExists)
            {
            }
        }
    }

    /// <summary>Deletes <paramref name="root"/> and everything under it (deepest first, in multis); nothing when absent.</summary>
    public static async Task DeleteTreeAsync(string root, ZooKeeperClient? client = null)
    {
        var owned = client is null;
        client ??= NewClient();
        try
        {
            if (await client.ExistsAsync(root) is null) return;
            var all = new List<string> { root };
            var level = new List<string> { root };
            while (level.Count > 0)
            {
                var children = await Task.WhenAll(level.Select(async p => (await client.GetChildrenAsync(p)).Select(c => $"{p}/{c}")));
                level = children.SelectMany(c => c).ToList();
                all.AddRange(level);
            }
            all.Reverse();
            foreach (var chunk in all.Chunk(1000)) await client.MultiAsync(chunk.Select(p => ZooKeeperOp.Delete(p)).ToList());
        }
        finally
        {
            if (owned) await client.DisposeAsync();
        }
    }
}

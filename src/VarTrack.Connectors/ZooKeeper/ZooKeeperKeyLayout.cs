using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>Where the ZooKeeper sink puts things under a destination root: key znodes and provenance znodes.</summary>
internal sealed class ZooKeeperKeyLayout(ZooKeeperMode mode)
{
    /// <summary>The child of the root holding one provenance znode per owner; flat keys cannot start with "__vartrack".</summary>
    public const string ProvenanceFolder = "__vartrack__";

    public ZooKeeperMode Mode => mode;

    /// <summary>The destination as a root znode path, or a clear error.</summary>
    public static string Root(string destination)
    {
        if (destination == "/")
            throw new VarTrackException(new Problem("destination '/' is the ZooKeeper root; use a znode path below it such as /app/production"));
        if (ZooKeeperPath.Problem(destination) is { } problem)
            throw new VarTrackException(new Problem($"destination '{destination}' is not a znode path such as /app/production: {problem}"));
        return destination;
    }

    public static string ProvenancePath(string root, SinkTarget target) => $"{root}/{ProvenanceFolder}/{target.OwnerToken}";

    /// <summary>The znode of <paramref name="key"/>; a key that cannot be one is an error naming it.</summary>
    public string PathOf(string root, string key)
    {
        if (mode == ZooKeeperMode.Dot)
        {
            if (ZooKeeperPath.NameProblem(key) is { } problem) throw BadKey(key, $"it cannot be a znode name in dot mode: {problem}");
            return root + "/" + key;
        }
        var segments = key.Split('.');
        for (var i = 0; i < segments.Length; i++)
            if (ZooKeeperPath.NameProblem(segments[i]) is { } problem)
                throw BadKey(key, $"segment {i + 1} ('{segments[i]}') cannot be a znode name in path mode: {problem}");
        return root + "/" + string.Join('/', segments);
    }

    private static VarTrackException BadKey(string key, string reason) => new(new Problem($"key '{key}' cannot be stored in ZooKeeper: {reason}") { Key = key });
}

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>A znode's metadata as the server reports it (jute record <c>Stat</c>, in wire order).</summary>
public sealed record ZooKeeperStat(
    long Czxid, long Mzxid, long Ctime, long Mtime, int Version, int Cversion, int Aversion,
    long EphemeralOwner, int DataLength, int NumChildren, long Pzxid);

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>A znode's data (null when the znode was created with null data, distinct from empty) and its stat.</summary>
public sealed record ZooKeeperData(byte[]? Data, ZooKeeperStat Stat);

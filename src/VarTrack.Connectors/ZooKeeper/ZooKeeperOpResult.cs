namespace VarTrack.Connectors.ZooKeeper;

/// <summary>The result of one op of a successful multi: the created path (create) or the new stat (setData); empty for delete and check.</summary>
public sealed record ZooKeeperOpResult(string? CreatedPath, ZooKeeperStat? Stat);

namespace VarTrack.Connectors.ZooKeeper;

/// <summary>A reply frame: the header's error code and zxid, and a reader positioned at the response body.</summary>
internal readonly record struct ZooKeeperReply(ZooKeeperErrorCode Error, long Zxid, JuteReader Body);

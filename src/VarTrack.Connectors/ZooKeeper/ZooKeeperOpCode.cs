namespace VarTrack.Connectors.ZooKeeper;

/// <summary>Request types of the ZooKeeper wire protocol (the subset this client sends or reads back).</summary>
internal enum ZooKeeperOpCode
{
    Error = -1,
    CloseSession = -11,
    Create = 1,
    Delete = 2,
    Exists = 3,
    GetData = 4,
    SetData = 5,
    GetChildren = 8,
    Ping = 11,
    Check = 13,
    Multi = 14,
    Create2 = 15,
    Auth = 100,
}

namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>The sink contract for mode path (<c>db.host</c> -> <c>/root/db/host</c>) against the real ZooKeeper.</summary>
public sealed class ZooKeeperPathSinkContractTests() : ZooKeeperSinkContractTests("path");

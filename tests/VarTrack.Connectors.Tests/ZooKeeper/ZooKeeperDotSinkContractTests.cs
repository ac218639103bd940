namespace VarTrack.Connectors.Tests.ZooKeeper;

/// <summary>The sink contract for mode dot (<c>db.host</c> -> <c>/root/db.host</c>) against the real ZooKeeper.</summary>
public sealed class ZooKeeperDotSinkContractTests() : ZooKeeperSinkContractTests("dot");

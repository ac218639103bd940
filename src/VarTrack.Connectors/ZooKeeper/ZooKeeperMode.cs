namespace VarTrack.Connectors.ZooKeeper;

/// <summary>How flat keys map to znodes under the destination root.</summary>
public enum ZooKeeperMode
{
    /// <summary><c>db.host</c> -> <c>/root/db/host</c>: one znode level per key segment.</summary>
    Path,

    /// <summary><c>db.host</c> -> <c>/root/db.host</c>: every key is a direct child of the root.</summary>
    Dot,
}

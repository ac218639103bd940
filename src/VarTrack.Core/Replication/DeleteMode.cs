namespace VarTrack.Core.Replication;

/// <summary>What a destination does when a secret is deleted or destroyed at the origin, or disappears from it.</summary>
public enum DeleteMode
{
    /// <summary>Soft-delete the latest version at the destination (it can be undeleted there).</summary>
    Soft,

    /// <summary>Delete the destination key's metadata and every version, for good.</summary>
    Destroy,

    /// <summary>Leave the destination's copy as it is.</summary>
    None,
}

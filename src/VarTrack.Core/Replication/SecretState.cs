namespace VarTrack.Core.Replication;

/// <summary>The state of a secret's latest version, as replication records it (metadata only).</summary>
public enum SecretState
{
    /// <summary>The latest version is readable.</summary>
    Active,

    /// <summary>The latest version is soft-deleted (it can be undeleted), or the key holds no version at all.</summary>
    Deleted,

    /// <summary>The latest version is destroyed: its data is gone for good.</summary>
    Destroyed,
}

namespace VarTrack.Core.Replication;

/// <summary>What happens to an origin path that no transform rule matches.</summary>
public enum UnmatchedPaths
{
    /// <summary>Replicated to the same path at the destination.</summary>
    Identity,

    /// <summary>Not replicated.</summary>
    Skip,
}

namespace VarTrack.Core.NodeConfig;

/// <summary>The built-in ways of making node files.</summary>
public enum NodeMaterializerType
{
    /// <summary>Files prepared ahead in a folder or a Git path; registration only gates identity and readiness.</summary>
    Precomputed,
    /// <summary>Files rendered from templates with the registered nodes available.</summary>
    Template,
}

namespace VarTrack.Core.NodeConfig;

/// <summary>The document <see cref="PersistedMaterializer"/> keeps per key: every node's files and the shared ones, in wire form (with SHA-256).</summary>
internal sealed record StoredMaterialization(IReadOnlyDictionary<string, IReadOnlyList<NodeFile>> Nodes, IReadOnlyList<NodeFile> Shared)
{
    public IReadOnlyDictionary<string, string>? Missing { get; init; }

    /// <summary>When it was persisted (by the persisting instance's clock): the newest documents are the ones clean-up keeps.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

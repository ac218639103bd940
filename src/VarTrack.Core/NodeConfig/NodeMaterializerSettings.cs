namespace VarTrack.Core.NodeConfig;

/// <summary>The <c>nodes.materializer</c> section: which materializer, when it is ready, where its files come from.</summary>
public sealed record NodeMaterializerSettings(NodeMaterializerType Type, NodeSourceSettings Source)
{
    /// <summary>Ready once this many nodes registered (null: see <see cref="Identifiers"/>; both null: as soon as the node itself is registered).</summary>
    public int? MinNodes { get; init; }

    /// <summary>Ready once all of these registered; any other identifier will never get config (404).</summary>
    public IReadOnlyList<string>? Identifiers { get; init; }

    /// <summary>Template only: payload path -> template file (relative to the source), rendered once per node.</summary>
    public IReadOnlyDictionary<string, string> NodeFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>Template only: payload path -> template file, rendered once for all nodes.</summary>
    public IReadOnlyDictionary<string, string> SharedFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>Payload paths whose content is secret: mode 0600 in the payload, never logged.</summary>
    public IReadOnlySet<string> SecretFiles { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

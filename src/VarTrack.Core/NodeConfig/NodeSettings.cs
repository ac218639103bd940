namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The <c>nodes:</c> section of vartrack.yaml: how nodes authenticate, where registrations live and how their files
/// are made. Bound by <see cref="NodeSettingsBinder"/>; absent section = the node routes answer 404.
/// </summary>
public sealed record NodeSettings(NodeTokenSettings Tokens, NodeMaterializerSettings Materializer)
{
    public const string DefaultDeployment = "default";

    /// <summary>Names this set of nodes: the Table partition key and a segment of every state key, so one table or
    /// state store can hold several deployments.</summary>
    public string Deployment { get; init; } = DefaultDeployment;

    /// <summary>What a 425 answer asks the node to wait before polling again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    public const int DefaultKeepPayloads = 10;

    /// <summary>
    /// How many persisted payloads (<c>node-artifacts/&lt;deployment&gt;/...</c>) are kept: the one just persisted and
    /// the most recent ones before it. Older ones are deleted each time a new payload is persisted, never otherwise.
    /// </summary>
    public int KeepPayloads { get; init; } = DefaultKeepPayloads;

    /// <summary>Azure Table storage for registrations; null: VarTrack's own state store.</summary>
    public NodeRegistrySettings? Registry { get; init; }
}

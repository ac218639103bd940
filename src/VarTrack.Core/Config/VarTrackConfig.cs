namespace VarTrack.Core.Config;

/// <summary>Everything vartrack.yaml holds, validated. Load it with <see cref="VarTrackConfigLoader"/>.</summary>
public sealed record VarTrackConfig
{
    public const string FileName = "vartrack.yaml";

    /// <summary>The file it was loaded from; null for the built-in defaults.</summary>
    public string? Path { get; init; }

    /// <summary>The folder relative paths (schemas, certificates, tracked files) are resolved against.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    public IReadOnlyDictionary<string, SinkDefinition> Sinks { get; init; } = new Dictionary<string, SinkDefinition>();

    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];

    public IReadOnlyDictionary<string, TenantDefinition> Tenants { get; init; } = new Dictionary<string, TenantDefinition>();

    /// <summary>Webhook secret per platform (github, gitlab, gitea, bitbucket).</summary>
    public IReadOnlyDictionary<string, SettingValue> WebhookSecrets { get; init; } = new Dictionary<string, SettingValue>();

    public VaultSettings? Vault { get; init; }

    public GitSettings Git { get; init; } = GitSettings.Default;

    /// <summary>Node bootstrap (<c>nodes:</c>); null: the node routes are not served.</summary>
    public NodeConfig.NodeSettings? Nodes { get; init; }

    /// <summary>The <c>replication:</c> section (Vault to Vault); null when there is none.</summary>
    public VarTrack.Core.Replication.ReplicationSettings? Replication { get; init; }

    /// <summary>The <c>meta:</c> section (release metadata in Git); null when absent.</summary>
    public Releases.MetaSettings? Meta { get; init; }

    /// <summary>The <c>state:</c> section: retention of sync records and delivery ids (defaults when absent).</summary>
    public VarTrack.Core.State.StateSettings State { get; init; } = VarTrack.Core.State.StateSettings.Default;

    /// <summary>The configuration used when there is no vartrack.yaml: one rule for any file, with the documented defaults.</summary>
    public static VarTrackConfig Defaults(string baseDirectory) => new()
    {
        BaseDirectory = baseDirectory,
        Rules = [new RuleDefinition("default")],
    };
}

namespace VarTrack.Connectors.Vault;

/// <summary>The metadata of a KV v2 key: its settings and the state of every version Vault still keeps.</summary>
public sealed record KvMetadata
{
    public required int CurrentVersion { get; init; }

    /// <summary>Oldest version still kept; Vault reports 0 until <c>max_versions</c> has trimmed a version.</summary>
    public required int OldestVersion { get; init; }

    public required DateTimeOffset CreatedTime { get; init; }

    public required DateTimeOffset UpdatedTime { get; init; }

    /// <summary>Versions kept for this key; 0 means the mount's setting (Vault's default is 10).</summary>
    public required int MaxVersions { get; init; }

    public required bool CasRequired { get; init; }

    /// <summary>Go duration text as Vault reports it, e.g. <c>0s</c> (never) or <c>3h25m19s</c>.</summary>
    public required string DeleteVersionAfter { get; init; }

    public required IReadOnlyDictionary<int, KvVersionMetadata> Versions { get; init; }

    /// <summary>User-defined metadata; not secret (anyone who may read metadata sees it).</summary>
    public required IReadOnlyDictionary<string, string> CustomMetadata { get; init; }
}

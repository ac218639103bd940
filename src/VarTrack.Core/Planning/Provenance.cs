namespace VarTrack.Core.Planning;

/// <summary>
/// What a sink records beside the data it wrote for one rule and source file: who wrote it, from which commit, the
/// content hash, the keys this rule/file owns (the only keys prune may remove) and which of them hold secrets
/// (so diffs and drift reports mask them).
/// </summary>
public sealed record Provenance
{
    public required string Rule { get; init; }
    public string? Tenant { get; init; }
    public required string Environment { get; init; }
    public required string SourceFile { get; init; }
    public string? Commit { get; init; }
    public DateTimeOffset? CommitTime { get; init; }
    public DateTimeOffset AppliedAt { get; init; }
    public required string ContentHash { get; init; }
    public IReadOnlySet<string> OwnedKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public IReadOnlySet<string> SecretKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    /// <summary>
    /// Owned keys whose value is null. Stores that cannot hold null (Redis, .env files, ConfigMaps) write an empty
    /// string; reading it back as null for these keys is how null survives a round trip (see <c>StoredText</c>).
    /// </summary>
    public IReadOnlySet<string> NullKeys { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

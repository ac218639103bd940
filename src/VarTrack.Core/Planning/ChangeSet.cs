using VarTrack.Core.Etl;

namespace VarTrack.Core.Planning;

/// <summary>
/// What a sync would do to one destination: the keys to write and remove, how many are unchanged, the keys prune
/// kept because they are protected, and what the provenance should record afterwards. A plain value; no I/O.
/// </summary>
public sealed record ChangeSet
{
    public required IReadOnlyList<KeyChange> Changes { get; init; }
    public int UnchangedCount { get; init; }
    /// <summary>Keys that would have been removed but match a protection glob.</summary>
    public IReadOnlyList<string> Protected { get; init; } = [];
    /// <summary>Set when nothing is to be done on purpose (smart_repair found the recorded hash).</summary>
    public string? SkipReason { get; init; }
    public required string ContentHash { get; init; }
    /// <summary>The keys this rule/file owns once the change set is applied.</summary>
    public required IReadOnlySet<string> OwnedKeysAfter { get; init; }
    /// <summary>The desired keys whose values are secrets.</summary>
    public required IReadOnlySet<string> SecretKeys { get; init; }

    public bool IsSkipped => SkipReason is not null;
    public bool IsEmpty => Changes.Count == 0;
    public int Count(ChangeKind kind) => Changes.Count(c => c.Kind == kind);

    /// <summary>Keys and values to write (adds, changes and rewrites), for sinks.</summary>
    public IEnumerable<KeyValuePair<string, FlatValue>> Upserts =>
        Changes.Where(c => c.Kind != ChangeKind.Remove).Select(c => new KeyValuePair<string, FlatValue>(c.Key, c.After!.Value));

    /// <summary>Keys to delete, for sinks.</summary>
    public IEnumerable<string> Removals => Changes.Where(c => c.Kind == ChangeKind.Remove).Select(c => c.Key);
}

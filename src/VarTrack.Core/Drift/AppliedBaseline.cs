namespace VarTrack.Core.Drift;

/// <summary>
/// What the last successful sync applied to one destination for one rule and file: the flat map as rendered with
/// secret references left unresolved (so no vault secret is stored here; a heal resolves them again), its content
/// hash and where it came from. Drift is measured against this, never against "what the watcher saw last".
/// Values of an age-encrypted file are kept here in plaintext (the state store is private to the owner, as the sinks
/// holding the same values are); <see cref="Sensitive"/> says so, so a heal and drift reports keep masking them.
/// </summary>
public sealed record AppliedBaseline(string Sink, string Destination, string Rule, string File, string Environment)
{
    public string? Tenant { get; init; }
    public string? Repository { get; init; }
    public string? CloneUrl { get; init; }
    public string? Ref { get; init; }
    public string? Commit { get; init; }
    public DateTimeOffset? CommitTime { get; init; }
    public DateTimeOffset AppliedAt { get; init; }
    public required string ContentHash { get; init; }
    public string? SyncId { get; init; }
    public IReadOnlyDictionary<string, string?> Values { get; init; } = new Dictionary<string, string?>();
    /// <summary>Every value came from an encrypted file and is a secret (see <c>SensitiveValues</c>); absent in older baselines, false.</summary>
    public bool Sensitive { get; init; }
}

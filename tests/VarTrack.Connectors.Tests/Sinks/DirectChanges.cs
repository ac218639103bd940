using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Sinks;

/// <summary>Hand-built targets, change sets and provenance records, for tests that call a sink directly (layout, batching, conflicts).</summary>
public static class DirectChanges
{
    public static readonly DateTimeOffset AppliedAt = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    public static SinkTarget Target(string destination, string file = "config/app.yaml") => new(destination, "contract", file);

    /// <summary>Adds (null allowed) and removals, owning exactly the added keys afterwards.</summary>
    public static ChangeSet Of(IEnumerable<(string Key, string? Value)> upserts, IEnumerable<string>? removals = null)
    {
        var changes = upserts.Select(u => new KeyChange(u.Key, ChangeKind.Add, null, FlatValue.From(u.Value), false))
            .Concat((removals ?? []).Select(key => new KeyChange(key, ChangeKind.Remove, FlatValue.Text("old"), null, false)))
            .ToList();
        return new ChangeSet
        {
            Changes = changes,
            ContentHash = "blake3:test",
            OwnedKeysAfter = changes.Where(c => c.Kind != ChangeKind.Remove).Select(c => c.Key).ToHashSet(StringComparer.Ordinal),
            SecretKeys = new HashSet<string>(StringComparer.Ordinal),
        };
    }

    public static ChangeSet Upserts(params (string Key, string? Value)[] values) => Of(values);

    /// <summary>Adds each key with the value "value of KEY", and removes the given keys.</summary>
    public static ChangeSet Changes(IEnumerable<string> adds, IEnumerable<string>? removals = null) =>
        Of(adds.Select(k => (k, (string?)$"value of {k}")), removals);

    /// <summary>A full record (tenant, commit, fixed times) owning <paramref name="ownedKeys"/>.</summary>
    public static Provenance Provenance(IEnumerable<string> ownedKeys, string commit = "c1", string file = "config/app.yaml") => new()
    {
        Rule = "contract",
        Tenant = "acme",
        Environment = "production",
        SourceFile = file,
        Commit = commit,
        CommitTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        AppliedAt = AppliedAt,
        ContentHash = "blake3:test",
        OwnedKeys = ownedKeys.ToHashSet(StringComparer.Ordinal),
    };

    public static Provenance Record(params string[] owned) => Provenance(owned);

    public static Provenance Record(IEnumerable<string> owned) => Provenance(owned);
}

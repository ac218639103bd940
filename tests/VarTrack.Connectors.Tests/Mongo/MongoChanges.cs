using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.Tests.Mongo;

/// <summary>Hand-built change sets and provenance records, for tests that call a sink directly and count its commands.</summary>
public static class MongoChanges
{
    public static readonly DateTimeOffset AppliedAt = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    public static SinkTarget Target(string destination, string file = "config/app.yaml") => new(destination, "contract", file);

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
}

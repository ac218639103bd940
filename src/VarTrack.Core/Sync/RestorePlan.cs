using VarTrack.Core.Etl;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// The change set that takes a destination from its current state back to a snapshot: values that differ are put
/// back, keys the snapshot did not have are removed. <see cref="ISink.RestoreAsync"/> is
/// "read, plan the way back with this, apply", so restore reuses each sink's batched write path.
/// </summary>
public static class RestorePlan
{
    public static ChangeSet Between(Snapshot current, Snapshot target)
    {
        var sensitive = new HashSet<string>(StringComparer.Ordinal);
        if (current.Provenance is { } c) sensitive.UnionWith(c.SecretKeys);
        if (target.Provenance is { } t) sensitive.UnionWith(t.SecretKeys);

        var changes = new List<KeyChange>();
        foreach (var (key, value) in target.Values)
        {
            if (!current.Values.TryGetValue(key, out var now))
                changes.Add(new KeyChange(key, ChangeKind.Add, null, value, sensitive.Contains(key)));
            else if (now != value) // FlatValue equality already tells null from ""
                changes.Add(new KeyChange(key, ChangeKind.Change, now, value, sensitive.Contains(key)));
        }
        foreach (var (key, now) in current.Values)
            if (!target.Values.ContainsKey(key))
                changes.Add(new KeyChange(key, ChangeKind.Remove, now, null, sensitive.Contains(key)));

        return new ChangeSet
        {
            Changes = changes,
            UnchangedCount = target.Values.Count - changes.Count(ch => ch.Kind != ChangeKind.Remove),
            ContentHash = target.Provenance?.ContentHash ?? "",
            OwnedKeysAfter = target.OwnedKeys,
            SecretKeys = target.Provenance?.SecretKeys ?? new HashSet<string>(),
        };
    }
}

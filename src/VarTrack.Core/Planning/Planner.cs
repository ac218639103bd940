using VarTrack.Core.Config;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Planning;

/// <summary>
/// Computes the change set for one destination from the desired flat map and the destination's snapshot.
/// <list type="bullet">
/// <item><c>auto</c>: add and change what differs; with prune, remove keys this rule/file owns that are no longer desired.</item>
/// <item><c>upsert_all</c>: as auto, but unchanged keys are written too.</item>
/// <item><c>smart_repair</c>: nothing at all when the desired content hash equals the hash recorded at the last apply; otherwise as auto.</item>
/// <item><c>live_state</c>: make the destination equal to the desired map, removing keys nobody owns too.</item>
/// </list>
/// Removal never touches keys matching the rule's protection globs. Pure: no I/O, same input, same output.
/// </summary>
public static class Planner
{
    public static ChangeSet Plan(IReadOnlyDictionary<string, FlatValue> desired, Snapshot current, PlanOptions options)
    {
        var hash = ContentHash.Compute(desired);
        var owned = current.OwnedKeys;
        var secretKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in desired)
            if (value.IsSecret) secretKeys.Add(key);

        if (options.Strategy == SyncStrategy.SmartRepair && current.Provenance?.ContentHash == hash)
            return new ChangeSet
            {
                Changes = [],
                UnchangedCount = desired.Count,
                SkipReason = "smart_repair: content hash matches the last apply",
                ContentHash = hash,
                OwnedKeysAfter = owned,
                SecretKeys = secretKeys,
            };

        var wasSecret = current.Provenance?.SecretKeys ?? new HashSet<string>();
        var changes = new List<KeyChange>();
        var unchanged = 0;
        foreach (var (key, value) in desired)
        {
            var sensitive = value.IsSecret || wasSecret.Contains(key);
            if (!current.Values.TryGetValue(key, out var before))
                changes.Add(new KeyChange(key, ChangeKind.Add, null, value, sensitive));
            else if (before != value)
                changes.Add(new KeyChange(key, ChangeKind.Change, before, value, sensitive));
            else if (options.Strategy == SyncStrategy.UpsertAll)
                changes.Add(new KeyChange(key, ChangeKind.Rewrite, before, value, sensitive));
            else
                unchanged++;
        }

        var ownedAfter = new HashSet<string>(desired.Keys, StringComparer.Ordinal);
        var protectedKeys = new List<string>();
        var removeUnowned = options.Strategy == SyncStrategy.LiveState;
        IEnumerable<string> candidates = removeUnowned ? current.Values.Keys : owned;
        foreach (var key in candidates)
        {
            if (desired.ContainsKey(key)) continue;
            var removable = removeUnowned || options.Prune;
            var isProtected = removable && options.IsProtected(key);
            if (isProtected) protectedKeys.Add(key);
            if (removable && !isProtected && current.Values.TryGetValue(key, out var before))
                changes.Add(new KeyChange(key, ChangeKind.Remove, before, null, wasSecret.Contains(key)));
            else if (owned.Contains(key) && current.Values.ContainsKey(key))
                ownedAfter.Add(key); // still there and still ours: a later prune may remove it
        }

        return new ChangeSet
        {
            Changes = changes,
            UnchangedCount = unchanged,
            Protected = protectedKeys,
            ContentHash = hash,
            OwnedKeysAfter = ownedAfter,
            SecretKeys = secretKeys,
        };
    }
}

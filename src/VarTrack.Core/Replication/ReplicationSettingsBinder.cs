using System.Globalization;
using System.Text.RegularExpressions;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Replication;

/// <summary>
/// Binds and checks the <c>replication:</c> section of vartrack.yaml. Everything that can be checked without a
/// server is checked here, with file:line:column: names, mounts, the delete mode (which must be explicit), ratios,
/// and each transform rule (a valid expression, no repeated rule, every <c>${group}</c> present in its expression).
/// Each cluster's <c>vault:</c> has the shape of the top-level <c>vault:</c> section and is bound by the same code.
/// </summary>
internal static partial class ReplicationSettingsBinder
{
    private const int MaxNameLength = 80;
    private static readonly string[] Keys = ["interval", "timeout", "workers", "fan_out", "buckets", "sync_info", "origin", "destinations"];
    private static readonly string[] SyncInfoKeys = ["connection", "container", "consul"];
    private const string OpenedAtStart = "the sync info store is opened when the host starts; use ${ENV_VAR}";
    private static readonly string[] ConsulKeys = ["address", "token", "key_prefix"];
    private static readonly string[] OriginKeys = ["name", "vault", "mounts"];
    private static readonly string[] DestinationKeys = ["name", "vault", "mounts", "delete_mode", "max_delete_ratio", "unmatched", "transforms"];
    private static readonly string[] MountKeys = ["mount", "prefix"];
    private static readonly string[] TransformKeys = ["match", "to"];
    private static readonly Dictionary<string, DeleteMode> DeleteModes = new(StringComparer.Ordinal)
    {
        ["soft"] = DeleteMode.Soft,
        ["destroy"] = DeleteMode.Destroy,
        ["none"] = DeleteMode.None,
    };
    private static readonly Dictionary<string, UnmatchedPaths> Unmatched = new(StringComparer.Ordinal)
    {
        ["identity"] = UnmatchedPaths.Identity,
        ["skip"] = UnmatchedPaths.Skip,
    };

    /// <summary>The section, or null when it is absent (or too broken to build; the problems are then in <paramref name="b"/>).</summary>
    internal static ReplicationSettings? Bind(ConfigBinder b, ConfigMap? map, string baseDirectory)
    {
        if (map is null) return null;
        const string what = "'replication'";
        b.OnlyKeys(map, what, Keys);
        var workers = Range(b, map, "workers", what, 1, 64) ?? 1;
        var fanOut = Range(b, map, "fan_out", what, 1, 64) ?? 1;
        var buckets = Range(b, map, "buckets", what, 1, SyncInfoJson.MaxBucketCount) ?? SyncInfoJson.DefaultBucketCount;
        var syncInfo = BindSyncInfo(b, b.Map(map["sync_info"], $"'sync_info' of {what}"));
        var names = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var origin = BindOrigin(b, map, baseDirectory, names);

        var destinations = new List<ReplicationDestination>();
        if (!map.TryGetEntry("destinations", out var destinationsEntry) || destinationsEntry.Value is ConfigScalar { IsNull: true })
            b.Add(map.Position, $"{what} needs 'destinations' (a list of at least one destination)");
        else if (destinationsEntry.Value is not ConfigList list || list.Items.Count == 0)
            b.Add(destinationsEntry.Value.Position, $"'destinations' of {what} must be a list of at least one destination, found {ConfigBinder.Describe(destinationsEntry.Value)}");
        else
            foreach (var item in list.Items)
                if (BindDestination(b, item, baseDirectory, origin, names) is { } destination)
                    destinations.Add(destination);

        if (origin is null) return null;
        return new ReplicationSettings(origin, destinations)
        {
            Interval = b.Period(map, "interval", what, TimeSpan.FromSeconds(1)) ?? TimeSpan.FromMinutes(1),
            Timeout = b.Duration(map, "timeout", what) ?? TimeSpan.FromMinutes(5),
            Workers = workers,
            FanOut = fanOut,
            Buckets = buckets,
            SyncInfo = syncInfo,
        };
    }

    private static SyncInfoSettings BindSyncInfo(ConfigBinder b, ConfigMap? map)
    {
        if (map is null) return new SyncInfoSettings();
        const string what = "'sync_info' of 'replication'";
        b.OnlyKeys(map, what, SyncInfoKeys);
        var container = b.String(map, "container", what) ?? SyncInfoSettings.DefaultContainer;
        if (!ContainerShape().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
            b.Add(map["container"]!.Position, $"'container' of {what} must be an Azure Blob container name: 3 to 63 lower-case letters, digits and single hyphens, found '{container}'");
        var settings = new SyncInfoSettings
        {
            Connection = VarTrackConfigLoader.SettingOf(b, map, "connection", what, required: false, secretRefusal: OpenedAtStart),
            Container = container,
        };
        if (b.Map(map["consul"], $"'consul' of {what}") is not { } consul) return settings;
        const string consulWhat = "'consul' of 'sync_info' of 'replication'";
        b.OnlyKeys(consul, consulWhat, ConsulKeys);
        if (settings.Connection is not null)
            b.Add(consul.Position, $"{what} names both 'connection' (Azure Blob) and 'consul'; choose one store");
        return settings with
        {
            ConsulAddress = VarTrackConfigLoader.SettingOf(b, consul, "address", consulWhat, required: true, secretRefusal: OpenedAtStart),
            ConsulToken = VarTrackConfigLoader.SettingOf(b, consul, "token", consulWhat, required: false, secretRefusal: OpenedAtStart),
            ConsulKeyPrefix = b.String(consul, "key_prefix", consulWhat) ?? SyncInfoSettings.DefaultConsulKeyPrefix,
        };
    }

    private static ReplicationOrigin? BindOrigin(ConfigBinder b, ConfigMap map, string baseDirectory, Dictionary<string, SourcePosition> names)
    {
        var origin = b.Map(map["origin"], "'origin' of 'replication'");
        if (origin is null)
        {
            if (!map.TryGetEntry("origin", out _)) b.Add(map.Position, "'replication' needs 'origin' (name, vault and mounts of the Vault to replicate from)");
            return null;
        }
        var name = Name(b, origin, "the replication origin", names);
        var what = $"replication origin '{name ?? "?"}'";
        b.OnlyKeys(origin, what, OriginKeys);
        var vault = BindVault(b, origin, baseDirectory, what);
        var mounts = BindOriginMounts(b, origin, what);
        return name is null || vault is null || mounts.Count == 0 ? null : new ReplicationOrigin(name, vault, mounts);
    }

    private static ReplicationDestination? BindDestination(ConfigBinder b, ConfigNode node, string baseDirectory, ReplicationOrigin? origin, Dictionary<string, SourcePosition> names)
    {
        var destination = b.Map(node, "a replication destination");
        if (destination is null) return null;
        var name = Name(b, destination, "a replication destination", names);
        var what = $"replication destination '{name ?? "?"}'";
        b.OnlyKeys(destination, what, DestinationKeys);
        var vault = BindVault(b, destination, baseDirectory, what);

        var mounts = new List<string>();
        if (destination.TryGetEntry("mounts", out var mountsEntry))
        {
            var listed = b.StringList(destination, "mounts", what);
            foreach (var (text, position) in listed)
                if (Mount(b, text, position, $"'mounts' of {what}") is { } mount)
                    if (mounts.Contains(mount)) b.Add(position, $"mount '{mount}' is listed twice in {what}");
                    else mounts.Add(mount);
            if (listed.Count == 0) b.Add(mountsEntry.KeyPosition, $"'mounts' of {what} must list at least one mount (or be left out: the origin's mounts)");
        }
        else if (origin is not null)
            mounts.AddRange(origin.Mounts.Select(m => m.Mount).Distinct(StringComparer.Ordinal));

        DeleteMode? deleteMode = null;
        if (b.String(destination, "delete_mode", what) is null)
        {
            if (!destination.TryGetEntry("delete_mode", out _))
                b.Add(destination.Position, $"{what} needs 'delete_mode' (soft, destroy or none): how deletes at the origin reach it is never implied");
        }
        else if (b.Choice(destination, "delete_mode", what, DeleteModes.Keys) is { } modeText)
            deleteMode = DeleteModes[modeText];

        var ratio = ReplicationDestination.DefaultMaxDeleteRatio;
        if (b.String(destination, "max_delete_ratio", what) is { } ratioText)
        {
            if (double.TryParse(ratioText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1)
                ratio = parsed;
            else
                b.Add(destination["max_delete_ratio"]!.Position, $"'max_delete_ratio' in {what} must be a number from 0 to 1 (0.10 refuses a cycle deleting more than 10% of its paths), found '{ratioText}'");
        }

        var transforms = BindTransforms(b, destination, what);
        UnmatchedPaths? unmatched = null;
        if (b.Choice(destination, "unmatched", what, Unmatched.Keys) is { } unmatchedText)
            unmatched = Unmatched[unmatchedText];
        else if (transforms.Count > 0 && !destination.TryGetEntry("unmatched", out _) && destination.TryGetEntry("transforms", out var transformsEntry))
            b.Add(transformsEntry.KeyPosition, $"{what} has transforms, so it needs 'unmatched: skip' or 'unmatched: identity' (what happens to paths no rule matches)");

        return name is null || vault is null || deleteMode is null || mounts.Count == 0
            ? null
            : new ReplicationDestination(name, vault, mounts, deleteMode.Value, new PathTransformRules(transforms, unmatched ?? UnmatchedPaths.Identity)) { MaxDeleteRatio = ratio };
    }

    private static List<PathTransform> BindTransforms(ConfigBinder b, ConfigMap destination, string what)
    {
        var transforms = new List<PathTransform>();
        if (!destination.TryGetEntry("transforms", out var entry) || entry.Value is ConfigScalar { IsNull: true }) return transforms;
        if (entry.Value is not ConfigList list)
        {
            b.Add(entry.Value.Position, $"'transforms' of {what} must be a list of {{match, to}} rules, found {ConfigBinder.Describe(entry.Value)}");
            return transforms;
        }
        var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var rule = b.Map(item, $"a transform of {what}");
            if (rule is null) continue;
            var ruleWhat = $"the transform at line {rule.Position.Line} of {what}";
            b.OnlyKeys(rule, ruleWhat, TransformKeys);
            var match = b.String(rule, "match", ruleWhat, required: true);
            var to = b.String(rule, "to", ruleWhat, required: true);
            if (match is null || to is null) continue;
            if (seen.TryGetValue(match, out var first))
            {
                b.Add(rule["match"]!.Position, $"'match' of {ruleWhat} repeats the rule at {first} ('{match}'); the second could never apply");
                continue;
            }
            seen[match] = rule["match"]!.Position;
            if (!PathTransform.TryCreate(match, to, out var transform, out var error))
            {
                b.Add(error!.StartsWith("'match'", StringComparison.Ordinal) ? rule["match"]!.Position : rule["to"]!.Position, $"{ruleWhat}: {error}");
                continue;
            }
            transforms.Add(transform!);
        }
        return transforms;
    }

    private static List<ReplicationMount> BindOriginMounts(ConfigBinder b, ConfigMap origin, string what)
    {
        var mounts = new List<ReplicationMount>();
        if (!origin.TryGetEntry("mounts", out var entry) || entry.Value is ConfigScalar { IsNull: true })
        {
            b.Add(origin.Position, $"{what} needs 'mounts' (the KV v2 mounts to replicate, e.g. [secret])");
            return mounts;
        }
        var items = entry.Value switch
        {
            ConfigList list => list.Items,
            ConfigScalar scalar => [scalar],
            _ => null,
        };
        if (items is null || items.Count == 0)
        {
            b.Add(entry.Value.Position, $"'mounts' of {what} must list at least one mount, e.g. [secret] or [{{mount: secret, prefix: stage}}]");
            return mounts;
        }
        foreach (var item in items)
        {
            ReplicationMount? mount = null;
            switch (item)
            {
                case ConfigScalar { IsNull: false } scalar:
                    if (Mount(b, scalar.Text!, scalar.Position, $"'mounts' of {what}") is { } name) mount = new ReplicationMount(name);
                    break;
                case ConfigMap map:
                    b.OnlyKeys(map, $"a mount of {what}", MountKeys);
                    var mountText = b.String(map, "mount", $"a mount of {what}", required: true);
                    var prefix = Prefix(b, map, what);
                    if (mountText is not null && Mount(b, mountText, map["mount"]!.Position, $"'mounts' of {what}") is { } mountName && prefix is not null)
                        mount = new ReplicationMount(mountName, prefix);
                    break;
                default:
                    b.Add(item.Position, $"'mounts' of {what} must list mount names or {{mount, prefix}} mappings, found {ConfigBinder.Describe(item)}");
                    break;
            }
            if (mount is null) continue;
            if (mounts.Contains(mount)) b.Add(item.Position, $"mount '{mount}' is listed twice in {what}");
            else mounts.Add(mount);
        }
        return mounts;
    }

    private static string? Prefix(ConfigBinder b, ConfigMap map, string what)
    {
        var text = b.String(map, "prefix", $"a mount of {what}");
        if (text is null) return map.TryGetEntry("prefix", out var e) && e.Value is not ConfigScalar ? null : "";
        var trimmed = text.Trim('/');
        if (trimmed.Length == 0) return "";
        if (trimmed.Split('/').All(ValidSegment)) return trimmed;
        b.Add(map["prefix"]!.Position, $"'prefix' '{text}' of a mount of {what} must be a folder path without empty, '.' or '..' segments");
        return null;
    }

    private static string? Mount(ConfigBinder b, string text, SourcePosition position, string what)
    {
        var trimmed = text.Trim('/');
        if (trimmed.Length > 0 && trimmed.Split('/').All(ValidSegment)) return trimmed;
        b.Add(position, $"mount '{text}' in {what} must be a KV v2 mount path such as 'secret' or 'team/kv'");
        return null;
    }

    private static bool ValidSegment(string segment) => segment.Length > 0 && segment != "." && segment != ".." && !segment.Any(char.IsWhiteSpace);

    private static string? Name(ConfigBinder b, ConfigMap map, string what, Dictionary<string, SourcePosition> names)
    {
        var name = b.String(map, "name", what, required: true);
        if (name is null) return null;
        var position = map["name"]!.Position;
        if (!SyncInfoLayout.IsValidName(name) || name.Length > MaxNameLength)
        {
            b.Add(position, $"replication name '{name}' may use letters, digits, '-' and '_' only (at most {MaxNameLength} characters)");
            return null;
        }
        if (!names.TryAdd(name, position))
        {
            b.Add(position, $"replication name '{name}' is used twice (first at {names[name]}); the origin and every destination need their own name");
            return null;
        }
        return name;
    }

    private static VaultSettings? BindVault(ConfigBinder b, ConfigMap map, string baseDirectory, string what)
    {
        if (!map.TryGetEntry("vault", out var entry) || entry.Value is ConfigScalar { IsNull: true })
        {
            b.Add(map.Position, $"{what} needs 'vault' (address and auth of its cluster, shaped like the top-level 'vault' section)");
            return null;
        }
        return VarTrackConfigLoader.BindVault(b, b.Map(entry.Value, $"'vault' of {what}"), baseDirectory, $"'vault' of {what}");
    }

    private static int? Range(ConfigBinder b, ConfigMap map, string key, string what, int min, int max)
    {
        var value = b.Integer(map, key, what);
        if (value is null || (value >= min && value <= max)) return value;
        b.Add(map[key]!.Position, $"'{key}' in {what} must be from {min} to {max}, found {value}");
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerShape();
}

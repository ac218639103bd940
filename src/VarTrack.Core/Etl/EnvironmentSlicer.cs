using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 3: environment-keyed documents. A mapping (at the top or in any field) is environment-keyed when at least one
/// of its keys is an environment the rule declares; detection never guesses beyond that. Its value for environment E
/// is: the mapping's other keys, deep-merged with the <c>default</c> block, deep-merged with E's block (later wins;
/// maps merge key by key, lists and values are replaced). Other environments' blocks are dropped; keys that are not
/// environment names are never dropped. A block that is a single value (<c>timeout: {default: 5, production: 10}</c>)
/// becomes the field's value, unless the mapping also has other keys, which is an error.
/// </summary>
public static class EnvironmentSlicer
{
    public static ConfigMap Slice(ConfigMap document, string environment, IReadOnlyCollection<string> declaredEnvironments, string file)
    {
        var declared = declaredEnvironments as IReadOnlySet<string> ?? new HashSet<string>(declaredEnvironments, StringComparer.Ordinal);
        var sliced = SliceNode(document, environment, declared, file, "");
        return sliced as ConfigMap ?? ConfigMap.Empty(document.Position);
    }

    /// <summary>Returns the node for this environment; null when an environment-keyed field has no value for it.</summary>
    private static ConfigNode? SliceNode(ConfigNode node, string environment, IReadOnlySet<string> declared, string file, string path)
    {
        switch (node)
        {
            case ConfigMap map when IsEnvironmentKeyed(map, declared):
                var selected = Select(map, environment, declared, file, path);
                return selected is null ? null : SliceNode(selected, environment, declared, file, path);
            case ConfigMap map:
                return SliceChildren(map, environment, declared, file, path);
            case ConfigList list:
                List<ConfigNode>? items = null;
                for (var i = 0; i < list.Items.Count; i++)
                {
                    var item = list.Items[i];
                    var sliced = SliceNode(item, environment, declared, file, Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                        ?? ConfigScalar.Null(item.Position);
                    if (!ReferenceEquals(sliced, item)) items ??= [.. list.Items.Take(i)];
                    items?.Add(sliced);
                }
                return items is null ? list : new ConfigList(items, list.Position);
            default:
                return node;
        }
    }

    private static ConfigMap SliceChildren(ConfigMap map, string environment, IReadOnlySet<string> declared, string file, string path)
    {
        ConfigMap.Builder? builder = null;
        for (var i = 0; i < map.Entries.Count; i++)
        {
            var entry = map.Entries[i];
            var sliced = SliceNode(entry.Value, environment, declared, file, Join(path, entry.Key));
            if (builder is null && ReferenceEquals(sliced, entry.Value)) continue;
            if (builder is null)
            {
                builder = new ConfigMap.Builder(map.Position);
                for (var j = 0; j < i; j++) builder.TryAdd(map.Entries[j], out _);
            }
            if (sliced is not null) builder.TryAdd(entry with { Value = sliced }, out _);
        }
        return builder?.Build() ?? map;
    }

    private static bool IsEnvironmentKeyed(ConfigMap map, IReadOnlySet<string> declared)
    {
        foreach (var entry in map.Entries)
            if (declared.Contains(entry.Key)) return true;
        return false;
    }

    private static ConfigNode? Select(ConfigMap map, string environment, IReadOnlySet<string> declared, string file, string path)
    {
        var others = new ConfigMap.Builder(map.Position);
        ConfigEntry? defaults = null, chosen = null;
        foreach (var entry in map.Entries)
        {
            if (entry.Key == environment && declared.Contains(entry.Key)) chosen = entry;
            else if (entry.Key == EnvironmentName.Default) defaults = entry;
            else if (!declared.Contains(entry.Key)) others.TryAdd(entry, out _);
        }
        var hasOthers = others.Count > 0;
        ConfigNode? result = hasOthers ? others.Build() : null;
        foreach (var block in new[] { defaults, chosen })
        {
            if (block is null) continue;
            if (block.Value is ConfigMap blockMap)
                result = result is ConfigMap resultMap ? DeepMerge(resultMap, blockMap) : blockMap;
            else if (hasOthers)
                throw new VarTrackException(Problem.At(file, block.Value.Position,
                    $"environment block '{block.Key}'{At(path)} is a single value, but the mapping also has other keys; make the block a mapping"));
            else
                result = block.Value;
        }
        return result; // null: only other environments' blocks, so this field has no value here
    }

    /// <summary>Maps merge key by key (overlay wins, recursively); anything else is replaced by the overlay.</summary>
    internal static ConfigNode DeepMerge(ConfigNode baseNode, ConfigNode overlay)
    {
        if (baseNode is not ConfigMap baseMap || overlay is not ConfigMap overlayMap) return overlay;
        var builder = new ConfigMap.Builder(overlayMap.Position);
        foreach (var entry in baseMap.Entries) builder.TryAdd(entry, out _);
        foreach (var entry in overlayMap.Entries)
            builder.Set(builder.TryGet(entry.Key, out var existing) ? entry with { Value = DeepMerge(existing.Value, entry.Value) } : entry);
        return builder.Build();
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string At(string path) => path.Length == 0 ? "" : $" of '{path}'";
}

using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 4: nested maps to <c>key.subkey</c>, list items to <c>key.0</c>, <c>key.1</c>. Empty maps and lists produce
/// no keys. Two source paths that flatten to the same key (a literal <c>a.b</c> key and <c>a: {b: ...}</c>) are an
/// error naming both positions, never a silent overwrite.
/// </summary>
public static class Flattener
{
    public static FlatMap Flatten(ConfigMap root, string file, FlattenOptions? options = null)
    {
        var separator = (options ?? FlattenOptions.Default).Separator;
        var result = new FlatMap(root.Count);
        foreach (var entry in root.Entries)
        {
            if (entry.Key.Length == 0)
                throw new VarTrackException(Problem.At(file, entry.KeyPosition, "empty key at the top level"));
            Add(result, entry.Key, entry.KeyPosition, entry.Value, separator, file);
        }
        return result;
    }

    private static void Add(FlatMap result, string key, SourcePosition keyPosition, ConfigNode node, string separator, string file)
    {
        switch (node)
        {
            case ConfigScalar scalar:
                if (!result.TryAdd(key, FlatValue.From(scalar.Text), keyPosition))
                    throw new VarTrackException(Problem.At(file, keyPosition,
                        $"key '{key}' is defined twice after flattening (also at {result.OriginOf(key)}); a literal '{separator}' in a key collides with nesting"));
                break;
            case ConfigMap map:
                foreach (var entry in map.Entries)
                {
                    if (entry.Key.Length == 0)
                        throw new VarTrackException(Problem.At(file, entry.KeyPosition, $"empty key under '{key}'"));
                    Add(result, string.Concat(key, separator, entry.Key), entry.KeyPosition, entry.Value, separator, file);
                }
                break;
            case ConfigList list:
                for (var i = 0; i < list.Items.Count; i++)
                    Add(result, string.Concat(key, separator, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), list.Items[i].Position, list.Items[i], separator, file);
                break;
        }
    }
}

using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 1: keep only the subtree under the rule's root key. With the default root key (<c>vartrack</c>) a document
/// without it is synced whole; a root key the rule sets explicitly must be present. Whatever is selected must be a map.
/// </summary>
public static class RootKeySelector
{
    public static ConfigMap Select(ConfigNode document, string file, string? rootKey, bool required)
    {
        if (document is not ConfigMap map)
            throw new VarTrackException(Problem.At(file, document.Position, $"the document must be a mapping of keys, found {Describe(document)}"));
        if (rootKey is null) return map;
        if (!map.TryGetEntry(rootKey, out var entry))
        {
            if (required)
                throw new VarTrackException(Problem.At(file, map.Position, $"root key '{rootKey}' is not in the document (the rule sets root_key: {rootKey})"));
            return map;
        }
        return entry.Value switch
        {
            ConfigMap subtree => subtree,
            ConfigScalar { IsNull: true } => ConfigMap.Empty(entry.Value.Position),
            _ => throw new VarTrackException(Problem.At(file, entry.Value.Position,
                $"root key '{rootKey}' must hold a mapping of keys, found {Describe(entry.Value)}")),
        };
    }

    private static string Describe(ConfigNode node) => node switch
    {
        ConfigList => "a list",
        ConfigScalar { IsNull: true } => "null",
        ConfigScalar s => $"the value '{s.Text}'",
        _ => "something else",
    };
}

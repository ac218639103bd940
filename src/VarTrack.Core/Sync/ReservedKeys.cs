using VarTrack.Core.Errors;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Sync;

/// <summary>Flat keys starting with <see cref="Prefix"/> are refused: sinks keep their provenance records under this name.</summary>
public static class ReservedKeys
{
    public const string Prefix = "__vartrack";

    public static void Check(RenderedFile file)
    {
        var reserved = file.Values.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (reserved.Count > 0)
            throw new VarTrackException(reserved.Select(k => new Problem($"key '{k}' is reserved: keys starting with '{Prefix}' hold VarTrack's provenance records")
            {
                File = file.File,
                Rule = file.Rule,
                Key = k,
            }).ToList());
    }
}

using VarTrack.Core.Etl;

namespace VarTrack.Core.Planning;

/// <summary>A destination's current state as a sink read it: its values and the provenance of this rule/file, if any.</summary>
public sealed record Snapshot(IReadOnlyDictionary<string, FlatValue> Values, Provenance? Provenance)
{
    public static readonly Snapshot Empty = new(new Dictionary<string, FlatValue>(), null);

    public IReadOnlySet<string> OwnedKeys => Provenance?.OwnedKeys ?? new HashSet<string>();
}

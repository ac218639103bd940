using VarTrack.Core.Secrets;

namespace VarTrack.Core.Etl;

/// <summary>
/// Values of an age-encrypted file are secrets as a whole: they become <see cref="FlatValue.Secret"/> like resolved
/// <c>@secret(...)</c> values, so everything downstream (plans, change summaries, drift reports, provenance
/// secret_keys, error scrubbing) masks them without knowing where they came from. Null stays null (it hides nothing)
/// and secret references stay text so the resolver still resolves them (into secrets anyway).
/// </summary>
public static class SensitiveValues
{
    public static FlatMap Mark(FlatMap map)
    {
        var marked = new FlatMap(map.Count);
        foreach (var (key, value) in map)
            marked.Add(key, value.PlainText is { } text && !SecretReference.LooksLikeReference(text) ? FlatValue.Secret(new SecretValue(text)) : value, map.OriginOf(key));
        return marked;
    }
}

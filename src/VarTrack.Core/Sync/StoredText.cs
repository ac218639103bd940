using VarTrack.Core.Etl;
using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>
/// For stores whose values are plain text with no null (Redis, ZooKeeper in text form, ConfigMaps, .env files):
/// null is written as an empty string and the owner's provenance lists it in <see cref="Provenance.NullKeys"/>, so it
/// reads back as null for that owner while applications simply see an empty value.
/// </summary>
public static class StoredText
{
    public static string Encode(FlatValue value) => value.Reveal() ?? "";

    public static FlatValue Decode(string key, string stored, Provenance? owner) =>
        stored.Length == 0 && owner is not null && owner.NullKeys.Contains(key) ? FlatValue.Null : FlatValue.Text(stored);
}

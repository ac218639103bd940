namespace VarTrack.Core.Releases;

/// <summary>
/// The configured age identities after resolution: the keys that resolved and parsed, and one message per identity
/// setting that did not (naming the setting, e.g. <c>decrypt.age_identities[1]</c>, never its value or a key). Any
/// one usable key may open a file, so an unusable identity beside a working one (key rotation) is no error by itself.
/// </summary>
public sealed record AgeIdentityKeys(IReadOnlyList<string> Keys, IReadOnlyList<string> Unusable);

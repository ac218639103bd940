namespace VarTrack.Core.Config;

/// <summary>
/// A rule's <c>decrypt:</c> section: the age identities that open tracked files stored encrypted (age files are
/// recognised by their content, so the same rule reads plaintext and encrypted files). Identities stay settings
/// (a file path, <c>${ENV}</c> or <c>@secret(...)</c>) until a file needs them.
/// </summary>
public sealed record RuleDecryption(IReadOnlyList<SettingValue> AgeIdentities)
{
    /// <summary>
    /// Values of an encrypted file are held as secrets (shown <c>***</c>, listed in provenance secret_keys); <c>mask: false</c>
    /// shows them like any file's, for files encrypted for another reason than their values.
    /// </summary>
    public bool Mask { get; init; } = true;
}

using VarTrack.Core.Config;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Releases;

/// <summary>
/// Encryption of meta files by path: a file matching a <c>meta.encryption</c> rule is stored encrypted for that rule's
/// age recipients; reading decrypts with <c>meta.identities</c>. Records that verify must read (releases, binaries,
/// events) are never encrypted. Identities are resolved only when a file needs decrypting and never appear in a message.
/// </summary>
public sealed class MetaFileCodec
{
    private readonly IReadOnlyList<MetaEncryptionRule> _rules;
    private readonly IReadOnlyList<SettingValue> _identitySettings;
    private readonly IMetaCipher? _cipher;
    private readonly SettingResolver _resolver;
    private AgeIdentityKeys? _identities;

    public MetaFileCodec(MetaSettings settings, IMetaCipher? cipher, SettingResolver resolver)
    {
        _rules = settings.Encryption;
        _identitySettings = settings.Identities;
        _cipher = cipher;
        _resolver = resolver;
    }

    /// <summary>
    /// Recognises age files (binary, any version, or armored after leading whitespace) without a cipher: the one format
    /// check (<see cref="Age.AgeEncryption.IsEncrypted"/>), which every <see cref="IMetaCipher.IsEncrypted"/> uses too.
    /// </summary>
    public static bool LooksEncrypted(ReadOnlySpan<byte> content) => Age.AgeEncryption.IsEncrypted(content);

    /// <summary>Whether a stored file is encrypted, as the configured cipher decides (the format check without one).</summary>
    public bool IsEncrypted(ReadOnlySpan<byte> content) => _cipher?.IsEncrypted(content) ?? LooksEncrypted(content);

    /// <summary>The recipients a path is encrypted for; null when no rule matches.</summary>
    public IReadOnlyList<string>? RecipientsFor(string path) => _rules.FirstOrDefault(r => r.Matches(path))?.Recipients;

    /// <summary>The bytes to store for <paramref name="plaintext"/> at <paramref name="path"/>.</summary>
    public byte[] Encode(string path, byte[] plaintext)
    {
        if (RecipientsFor(path) is not { } recipients) return plaintext;
        if (MetaPaths.Parse(path, out _) is { IsImmutable: true })
            throw new VarTrackException(new Problem("release, binary and event records are never encrypted; narrow the meta.encryption paths") { File = path });
        if (recipients.Count == 0) throw new VarTrackException(new Problem("the meta.encryption rule for this path lists no recipients") { File = path });
        return Cipher(path).Encrypt(path, plaintext, recipients);
    }

    /// <summary>The plaintext of a stored file: decrypted when it is an age file, else as stored.</summary>
    public async Task<byte[]> DecodeAsync(string path, byte[] stored, CancellationToken cancellationToken)
    {
        if (!IsEncrypted(stored)) return stored;
        var identities = await IdentitiesAsync(cancellationToken);
        if (identities.Keys.Count == 0 && identities.Unusable.Count == 0)
            throw new VarTrackException(new Problem("the file is encrypted (age) and no identity is configured to read it; set meta.identities") { File = path });
        return AgeIdentitySettings.Decrypt(Cipher(path), path, stored, identities);
    }

    private IMetaCipher Cipher(string path) =>
        _cipher ?? throw new VarTrackException(new Problem("the file needs age encryption, and no age implementation is available in this host") { File = path });

    private async Task<AgeIdentityKeys> IdentitiesAsync(CancellationToken cancellationToken)
    {
        if (_identities is not null) return _identities;
        var identities = await AgeIdentitySettings.ResolveAsync(_identitySettings, "meta.identities", _resolver, cancellationToken);
        // Kept only when every identity resolved: a file or variable that was missing may be there at the next read.
        if (identities.Unusable.Count == 0) _identities = identities;
        return identities;
    }
}

using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Etl;

/// <summary>
/// Opens tracked files stored age-encrypted, right before they are parsed. It sits in <see cref="ConfigPipeline"/>,
/// the one step every file's bytes pass (from Git at a commit for the server and the Functions app, from disk for
/// <c>vt</c>), so all hosts decrypt alike. An age file is recognised by its content (the binary header or the armor
/// line), never by its name, so a file encrypted in place keeps its name and format; a <c>.age</c> suffix only drops
/// out of format detection. The plaintext is returned to the parser and kept nowhere; errors name the file and the
/// rule, never a key or plaintext.
/// </summary>
public sealed class AgeFileDecryption(IMetaCipher cipher, SettingResolver resolver)
{
    /// <summary>The conventional suffix of age files: <c>app.yaml.age</c> is YAML inside.</summary>
    public const string Suffix = ".age";

    /// <summary>Whether the content is an age file (what <see cref="PlaintextAsync"/> would decrypt).</summary>
    public bool IsEncrypted(ReadOnlySpan<byte> content) => cipher.IsEncrypted(content);

    /// <summary>The bytes to parse: the content itself for plaintext, else the decrypted content.</summary>
    public async Task<ReadOnlyMemory<byte>> PlaintextAsync(string file, ReadOnlyMemory<byte> content, RuleDefinition rule, CancellationToken cancellationToken)
    {
        if (!cipher.IsEncrypted(content.Span))
        {
            // The name promises encryption: parsing it anyway would hide plaintext committed by mistake.
            if (HasSuffix(file))
                throw Failed(file, rule, "the file is named as an age file (.age) but is not encrypted (no age header); encrypt it (age -r ...) or drop the .age suffix");
            return content;
        }
        if (rule.Decryption is not { } decryption)
            throw Failed(file, rule, "the file is encrypted (age) and the rule has no identity to read it; set 'decrypt: { age_identities: [...] }' on the rule");
        try
        {
            var identities = await AgeIdentitySettings.ResolveAsync(decryption.AgeIdentities, "decrypt.age_identities", resolver, cancellationToken);
            if (identities.Keys.Count == 0 && identities.Unusable.Count == 0)
                throw Failed(file, rule, "the file is encrypted (age) and the rule's decrypt.age_identities hold no key (no line starting with AGE-SECRET-KEY-1)");
            return AgeIdentitySettings.Decrypt(cipher, file, content.ToArray(), identities);
        }
        catch (VarTrackException ex)
        {
            // The resolver and the cipher know the setting or the file, not both: every problem names file and rule.
            throw new VarTrackException(ex.Problems.Select(p => p with { File = p.File ?? file, Rule = p.Rule ?? rule.Name }).ToList());
        }
    }

    /// <summary>
    /// The format of a tracked file: from its name without <c>.age</c> (<c>app.yaml.age</c> is YAML); an unknown name is
    /// reported with the file's real name. A rule's <c>format</c> overrides this, as for any file.
    /// </summary>
    public static ConfigFormat FormatOf(string file) =>
        ConfigFormats.TryDetect(HasSuffix(file) ? file[..^Suffix.Length] : file, out var format) ? format : ConfigFormats.Detect(file);

    private static bool HasSuffix(string file) => file.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

    private static VarTrackException Failed(string file, RuleDefinition rule, string message) =>
        new(new Problem(message) { File = file, Rule = rule.Name });
}

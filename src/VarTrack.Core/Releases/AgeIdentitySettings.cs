using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Releases;

/// <summary>
/// Age identities as vartrack.yaml configures them (<c>meta.identities</c>, a rule's <c>decrypt.age_identities</c>):
/// bound once and resolved once, here, so both places read keys the same way. Each value is either key text (one
/// <c>AGE-SECRET-KEY-1...</c> or a whole <c>age-keygen</c> file, from <c>${ENV}</c>, <c>@secret(...)</c> or a literal)
/// or the path of an identity file. Key text and keys never appear in a message.
/// </summary>
public static class AgeIdentitySettings
{
    /// <summary>The largest identity file read: far above any key file, and a guard against naming a device or a log.</summary>
    private const long MaxIdentityFileBytes = 1024 * 1024;

    /// <summary>
    /// Binds one identity value. A literal that is not key text is an identity file path, made absolute against
    /// <paramref name="baseDirectory"/> (vartrack.yaml's folder) here, because resolution no longer knows where the
    /// config was. The file is only read when a file needs decrypting, so a host without that key still loads the config.
    /// </summary>
    internal static SettingValue? BindOne(ConfigBinder b, ConfigEntry entry, string what, string baseDirectory)
    {
        if (VarTrackConfigLoader.Setting(b, entry, what, secretRefusal: null) is not { } setting) return null;
        var isLiteral = setting.Secret is null && !setting.Raw.Contains("${", StringComparison.Ordinal);
        return isLiteral && !IsKeyText(setting.Raw) && !string.IsNullOrWhiteSpace(setting.Raw)
            ? setting with { Raw = Path.GetFullPath(setting.Raw.Trim(), baseDirectory) }
            : setting;
    }

    /// <summary>Binds a list of identity values (<paramref name="singleAllowed"/>: a single value is a list of one).</summary>
    internal static IReadOnlyList<SettingValue> BindList(ConfigBinder b, ConfigMap map, string key, string what, string baseDirectory, bool singleAllowed)
    {
        var identities = new List<SettingValue>();
        if (!map.TryGetEntry(key, out var entry) || entry.Value is ConfigScalar { IsNull: true }) return identities;
        IReadOnlyList<ConfigNode> items = entry.Value switch
        {
            ConfigList list => list.Items,
            ConfigScalar scalar when singleAllowed => [scalar],
            _ => [],
        };
        if (entry.Value is not ConfigList && !(singleAllowed && entry.Value is ConfigScalar))
            b.Add(entry.Value.Position, $"'{key}' in {what} must be a list, found {ConfigBinder.Describe(entry.Value)}");
        foreach (var item in items)
            if (item is ConfigScalar { IsNull: false } && BindOne(b, new ConfigEntry(key, item.Position, item), what, baseDirectory) is { } identity)
                identities.Add(identity);
            else if (item is not ConfigScalar { IsNull: false })
                b.Add(item.Position, $"'{key}' in {what} must list values (an age identity file path, ${{ENV_VAR}} or @secret(...))");
        return identities;
    }

    /// <summary>
    /// The <c>AGE-SECRET-KEY-1...</c> keys of every configured identity, in order, each resolved and parsed on its own:
    /// one that cannot be (an unset <c>${VAR}</c>, a missing file, a malformed key) is listed in
    /// <see cref="AgeIdentityKeys.Unusable"/> as <c>meta.identities[1]: ...</c> and the others still count. Values
    /// from <c>${ENV}</c> or <c>@secret</c> and keys never appear in a message; a literal file path does.
    /// </summary>
    public static async Task<AgeIdentityKeys> ResolveAsync(IReadOnlyList<SettingValue> settings, string settingName, SettingResolver resolver,
        CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var unusable = new List<string>();
        for (var i = 0; i < settings.Count; i++)
        {
            var what = $"{settingName}[{i}]";
            try
            {
                keys.AddRange(await KeysOfAsync(settings[i], what, resolver, cancellationToken));
            }
            catch (VarTrackException ex)
            {
                unusable.Add(string.Join("; ", ex.Problems.Select(p => p.Message)));
            }
        }
        return new AgeIdentityKeys(keys, unusable);
    }

    /// <summary>
    /// Decrypts with the usable keys. Only when none of them opens the file is it an error, one line naming each
    /// unusable identity and then why the others could not (<c>none of the others can read it</c>).
    /// </summary>
    public static byte[] Decrypt(IMetaCipher cipher, string path, byte[] ciphertext, AgeIdentityKeys identities)
    {
        if (identities.Keys.Count == 0 && identities.Unusable.Count > 0)
            throw new VarTrackException(new Problem($"cannot decrypt: {string.Join("; ", identities.Unusable)}") { File = path });
        try
        {
            return cipher.Decrypt(path, ciphertext, identities.Keys);
        }
        catch (VarTrackException ex) when (identities.Unusable.Count > 0)
        {
            var reason = ex.Problems[0].Message;
            var others = reason.Contains("none of the configured age identities can read it", StringComparison.Ordinal)
                ? "none of the others can read it (the file is encrypted for other recipients)"
                : $"with the others: {(reason.StartsWith("cannot decrypt: ", StringComparison.Ordinal) ? reason["cannot decrypt: ".Length..] : reason)}";
            throw new VarTrackException(new Problem($"cannot decrypt: {string.Join("; ", identities.Unusable)}; {others}") { File = ex.Problems[0].File ?? path });
        }
    }

    private static async Task<IReadOnlyList<string>> KeysOfAsync(SettingValue setting, string what, SettingResolver resolver, CancellationToken cancellationToken)
    {
        var text = (await resolver.ResolveAsync(setting, what, cancellationToken)).Reveal();
        // A secret store holds keys, never paths; anything else that does not look like a key names a file.
        if (setting.Secret is null && !IsKeyText(text))
        {
            // From the environment the value may be anything (a password set by mistake): name the setting, not the value.
            var fromEnvironment = setting.EnvironmentVariables.Count > 0 || setting.Raw.Contains("${", StringComparison.Ordinal);
            text = await ReadIdentityFileAsync(text.Trim(), what, fromEnvironment ? setting.Raw : null, cancellationToken);
        }
        // A value may hold a whole identity file (comments and several keys), as age-keygen writes it.
        var keys = text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("AGE-SECRET-KEY-", StringComparison.Ordinal)).ToList();
        if (keys.Count == 0) throw new VarTrackException(new Problem($"{what} holds no key (no line starting with AGE-SECRET-KEY-1)"));
        foreach (var key in keys)
        {
            try
            {
                Age.AgeIdentity.Parse(key);
            }
            catch (Age.AgeException ex)
            {
                // The parser's messages never contain the key.
                throw new VarTrackException(new Problem($"{what}: {ex.Message}"));
            }
        }
        return keys;
    }

    /// <summary>
    /// Key text rather than a path: anything mentioning a secret key, even malformed (so a damaged key is reported as a
    /// bad key and never printed as a file name), or more than one line.
    /// </summary>
    private static bool IsKeyText(string text) =>
        text.Contains("AGE-SECRET-KEY", StringComparison.OrdinalIgnoreCase) || text.Trim().Contains('\n');

    /// <param name="reference">The setting's text (<c>${AGE_KEY}</c>) when the path came from the environment: named
    /// instead of the path, which is never printed then (and an I/O message, which may quote it, is left out).</param>
    private static async Task<string> ReadIdentityFileAsync(string path, string what, string? reference, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw Unreadable(what, path, reference, "it does not exist");
            if (info.Length > MaxIdentityFileBytes) throw Unreadable(what, path, reference, $"it is over {MaxIdentityFileBytes / 1024} KiB, too large for an identity file");
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(what, path, reference, ex is UnauthorizedAccessException ? "permission denied" : reference is null ? ex.Message : "it cannot be read");
        }
    }

    private static VarTrackException Unreadable(string what, string path, string? reference, string reason) =>
        new(new Problem(reference is null
            ? $"{what} names the age identity file '{path}', which cannot be read: {reason}"
            : $"{what}: {reference} is neither age key text nor the path of a readable identity file ({reason}; its value is not shown)"));
}

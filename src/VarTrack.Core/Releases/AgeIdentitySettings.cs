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
    /// The <c>AGE-SECRET-KEY-1...</c> lines of every configured identity, in order. <paramref name="settingName"/>
    /// (<c>meta.identities</c>) names a failing value as <c>meta.identities[1]</c>; its value is never shown.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ResolveAsync(IReadOnlyList<SettingValue> settings, string settingName, SettingResolver resolver,
        CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (var i = 0; i < settings.Count; i++)
        {
            var what = $"{settingName}[{i}]";
            var text = (await resolver.ResolveAsync(settings[i], what, cancellationToken)).Reveal();
            // A secret store holds keys, never paths; anything else that does not look like a key names a file.
            if (settings[i].Secret is null && !IsKeyText(text)) text = await ReadIdentityFileAsync(text.Trim(), what, cancellationToken);
            // A value may hold a whole identity file (comments and several keys), as age-keygen writes it.
            keys.AddRange(text.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("AGE-SECRET-KEY-", StringComparison.Ordinal)));
        }
        return keys;
    }

    /// <summary>
    /// Key text rather than a path: anything mentioning a secret key, even malformed (so a damaged key is reported as a
    /// bad key and never printed as a file name), or more than one line.
    /// </summary>
    private static bool IsKeyText(string text) =>
        text.Contains("AGE-SECRET-KEY", StringComparison.OrdinalIgnoreCase) || text.Trim().Contains('\n');

    private static async Task<string> ReadIdentityFileAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw Unreadable(what, path, "it does not exist");
            if (info.Length > MaxIdentityFileBytes) throw Unreadable(what, path, $"it is over {MaxIdentityFileBytes / 1024} KiB, too large for an identity file");
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(what, path, ex is UnauthorizedAccessException ? "permission denied" : ex.Message);
        }
    }

    private static VarTrackException Unreadable(string what, string path, string reason) =>
        new(new Problem($"{what} names the age identity file '{path}', which cannot be read: {reason}"));
}

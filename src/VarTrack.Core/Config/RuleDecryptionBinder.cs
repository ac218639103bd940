using VarTrack.Core.Formats;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Config;

/// <summary>Binds a rule's <c>decrypt:</c> section; identities bind exactly as <c>meta.identities</c> do.</summary>
internal static class RuleDecryptionBinder
{
    public const string Key = "decrypt";
    private static readonly string[] Keys = ["age_identities", "mask"];

    public static RuleDecryption? Bind(ConfigBinder b, ConfigMap rule, string ruleWhat, string baseDirectory)
    {
        var what = $"'{Key}' of {ruleWhat}";
        if (b.Map(rule[Key], what) is not { } map) return null;
        b.OnlyKeys(map, what, Keys);
        var identities = AgeIdentitySettings.BindList(b, map, "age_identities", what, baseDirectory, singleAllowed: true);
        // An empty section would silently read nothing; bad values were reported by BindList already.
        if (!map.TryGetEntry("age_identities", out var entry) || entry.Value is ConfigScalar { IsNull: true } or ConfigList { Items.Count: 0 })
            b.Add(map.Position, $"{what} needs 'age_identities': an age identity file path, ${{ENV_VAR}} or @secret(...) with the key");
        return new RuleDecryption(identities) { Mask = b.Bool(map, "mask", what) ?? true };
    }
}

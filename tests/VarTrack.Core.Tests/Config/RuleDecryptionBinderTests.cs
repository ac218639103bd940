using VarTrack.Core.Config;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Tests.Config;

/// <summary>A rule's <c>decrypt:</c> section (and <c>meta.identities</c>, which binds the same way).</summary>
public sealed class RuleDecryptionBinderTests
{
    private const string Folder = "/etc/vartrack";

    private static RuleDefinition Rule(string decrypt) => VarTrackConfigLoader.Parse($"""
        rules:
          - name: prod
            files: ["envs/Prod/**"]
            decrypt: {decrypt}
        """, "vartrack.yaml", Folder).Rules.Single();

    private static List<string> Problems(string decrypt) =>
        Assert.Throws<VarTrackException>(() => Rule(decrypt)).Problems.Select(p => p.ToString()).ToList();

    [Fact]
    public void Identities_bind_as_paths_environment_references_secrets_or_key_text()
    {
        var decryption = Rule("""{ age_identities: [keys/prod.txt, /run/keys/ops.txt, "${AGE_PROD}", "@secret(kv/vartrack#age_prod)", AGE-SECRET-KEY-1XYZ] }""").Decryption!;

        Assert.Equal(["/etc/vartrack/keys/prod.txt", "/run/keys/ops.txt", "${AGE_PROD}", "@secret(kv/vartrack#age_prod)", "AGE-SECRET-KEY-1XYZ"],
            decryption.AgeIdentities.Select(i => i.Raw));
        Assert.Equal(["AGE_PROD"], decryption.AgeIdentities[2].EnvironmentVariables);
        Assert.Equal("kv/vartrack", decryption.AgeIdentities[3].Secret!.Path);
        Assert.Equal((4, 33), (decryption.AgeIdentities[0].Position.Line, decryption.AgeIdentities[0].Position.Column));
    }

    [Fact]
    public void A_single_identity_is_a_list_of_one_and_a_rule_without_decrypt_has_none()
    {
        Assert.Equal(["/etc/vartrack/prod.key"], Rule("{ age_identities: prod.key }").Decryption!.AgeIdentities.Select(i => i.Raw));
        Assert.Null(VarTrackConfigLoader.Parse("rules: [{ name: a }]", "vartrack.yaml", Folder).Rules.Single().Decryption);
    }

    [Fact]
    public void Values_are_masked_unless_the_rule_says_mask_false()
    {
        Assert.True(Rule("{ age_identities: prod.key }").Decryption!.Mask);
        Assert.True(Rule("{ age_identities: prod.key, mask: true }").Decryption!.Mask);
        Assert.False(Rule("{ age_identities: prod.key, mask: false }").Decryption!.Mask);
        Assert.Equal(["vartrack.yaml:4:48: 'mask' in 'decrypt' of rule 'prod' must be true or false, found 'no'"], Problems("{ age_identities: prod.key, mask: no }"));
    }

    [Fact]
    public void Bad_settings_are_reported_at_their_line_and_column()
    {
        Assert.Equal(["vartrack.yaml:4:14: 'decrypt' of rule 'prod' needs 'age_identities': an age identity file path, ${ENV_VAR} or @secret(...) with the key",
                      "vartrack.yaml:4:16: unknown key 'age_identity' in 'decrypt' of rule 'prod'; did you mean 'age_identities'?"],
            Problems("{ age_identity: prod.key }"));
        Assert.Equal(["vartrack.yaml:4:14: 'decrypt' of rule 'prod' needs 'age_identities': an age identity file path, ${ENV_VAR} or @secret(...) with the key"],
            Problems("{ age_identities: [] }"));
        Assert.Equal(["vartrack.yaml:4:14: 'decrypt' of rule 'prod' must be a mapping, found 'prod.key'"], Problems("prod.key"));
        Assert.Equal(["vartrack.yaml:4:40: 'age_identities' in 'decrypt' of rule 'prod' must list values (an age identity file path, ${ENV_VAR} or @secret(...))"],
            Problems("{ age_identities: [a.key, { x: 1 }] }"));
        Assert.Equal(["vartrack.yaml:4:33: 'age_identities' of 'decrypt' of rule 'prod' must name one key of the secret: @secret(kv/vartrack#key)"],
            Problems("{ age_identities: ['@secret(kv/vartrack)'] }"));
        Assert.Equal(["vartrack.yaml:4:32: 'age_identities' of 'decrypt' of rule 'prod' has a malformed environment reference; write ${NAME} with letters, digits and '_'"],
            Problems("""{ age_identities: "${BAD NAME}" }"""));
    }

    [Fact]
    public void Meta_identities_bind_the_same_way_and_may_name_a_key_file()
    {
        var meta = VarTrackConfigLoader.Parse("""
            meta:
              repository: https://git.example/acme/release-meta.git
              identities: [keys/meta.txt, "${AGE_IDENTITY}"]
            """, "vartrack.yaml", Folder).Meta!;

        Assert.Equal(["/etc/vartrack/keys/meta.txt", "${AGE_IDENTITY}"], meta.Identities.Select(i => i.Raw));
    }
}

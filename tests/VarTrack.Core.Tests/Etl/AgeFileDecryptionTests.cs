using System.Text;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;
using VarTrack.Core.Releases.Age;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Etl;

/// <summary>
/// Encrypted tracked files through the real pipeline (<see cref="ConfigPipeline"/> with <see cref="AgeFileDecryption"/>):
/// detection by content, the format of in-place and <c>.age</c> files, every identity source, and failures that name
/// file and rule without a key or plaintext.
/// </summary>
public sealed class AgeFileDecryptionTests : IDisposable
{
    private const string ProdFile = "envs/Prod/app.yaml";
    private const string Plaintext = "db:\n  host: prod-db\n  password: pl41n-TEXT-never-shown\nport: 5432\n";
    private static readonly AgeIdentity Prod = AgeIdentity.Generate();
    private static readonly AgeIdentity Dev = AgeIdentity.Generate();
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-agefile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Encrypt(string text, AgeIdentity identity, bool armor = false) =>
        AgeEncryption.Encrypt(Encoding.UTF8.GetBytes(text), [identity.Recipient], armor);

    private void WriteKeyFile(string relative, params AgeIdentity[] identities) =>
        File.WriteAllText(Path.Combine(_folder, relative), string.Concat(identities.Select(i => i.ExportIdentityFile(DateTimeOffset.UnixEpoch))));

    /// <summary>A rule 'prod' for envs/** with <paramref name="decrypt"/> (YAML) as its decrypt section, or none.</summary>
    private RuleDefinition Rule(string? decrypt, string extra = "") => VarTrackConfigLoader.Parse($"""
        rules:
          - name: prod
            files: ["envs/**"]
            root_key: null
        {(decrypt is null ? "" : "    decrypt: " + decrypt)}
        {extra}
        """, "vartrack.yaml", _folder).Rules.Single();

    private static ConfigPipeline Pipeline(Func<string, string?>? environment = null, ISecretStore? secrets = null) =>
        new(new VarTrackConfig(), secrets, decryption: new AgeFileDecryption(new AgeCipher(), new SettingResolver(environment ?? (_ => null), secrets)));

    private static Task<RenderedFile> Transform(RuleDefinition rule, string file, byte[] content, ConfigPipeline? pipeline = null) =>
        (pipeline ?? Pipeline()).TransformAsync(new RenderRequest(file, content, rule, SourceRef.None) { Environment = "production" });

    /// <summary>The real values (an encrypted file's values are secrets: see EncryptedValueMaskingTests).</summary>
    private static Dictionary<string, string?> Values(RenderedFile file) => file.Values.ToDictionary(v => v.Key, v => v.Value.Reveal());

    private static readonly Dictionary<string, string?> Expected = new()
    {
        ["db.host"] = "prod-db",
        ["db.password"] = "pl41n-TEXT-never-shown",
        ["port"] = "5432",
    };

    private static void AssertNoKeyOrPlaintext(VarTrackException error)
    {
        Assert.DoesNotContain("AGE-SECRET-KEY", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("pl41n-TEXT", error.Message);
        Assert.DoesNotContain(Prod.ExportSecretKey()[20..40], error.Message);
        Assert.DoesNotContain(Dev.ExportSecretKey()[20..40], error.Message);
    }

    [Fact]
    public async Task A_file_encrypted_in_place_keeps_its_name_and_is_parsed_in_the_format_of_that_name()
    {
        WriteKeyFile("prod.key", Prod);

        var rendered = await Transform(Rule("{ age_identities: [prod.key] }"), ProdFile, Encrypt(Plaintext, Prod));

        Assert.Equal(Expected, Values(rendered));
        Assert.Equal(ProdFile, rendered.File);
    }

    [Fact]
    public async Task An_armored_file_is_read_and_leading_blank_lines_before_the_armor_are_allowed()
    {
        WriteKeyFile("prod.key", Prod);
        var armored = Encrypt("""{"db": {"host": "prod-db", "password": "pl41n-TEXT-never-shown"}, "port": 5432}""", Prod, armor: true);
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", Encoding.ASCII.GetString(armored));

        var rendered = await Transform(Rule("{ age_identities: [prod.key] }"), "envs/Prod/app.json", [.. "\n\n"u8, .. armored]);

        Assert.Equal(Expected, Values(rendered));
    }

    [Fact]
    public async Task A_dot_age_suffix_is_parsed_in_the_format_of_the_name_before_it_and_a_rule_format_still_wins()
    {
        WriteKeyFile("prod.key", Prod);
        var rule = Rule("{ age_identities: [prod.key] }");

        Assert.Equal(Expected, Values(await Transform(rule, "envs/Prod/app.yaml.age", Encrypt(Plaintext, Prod))));
        Assert.Equal(Expected, Values(await Transform(rule, "envs/Prod/app.toml.AGE", Encrypt("port = 5432\n[db]\nhost = \"prod-db\"\npassword = \"pl41n-TEXT-never-shown\"\n", Prod))));
        Assert.Equal(new Dictionary<string, string?> { ["A"] = "1" },
            Values(await Transform(rule with { Format = ConfigFormat.DotEnv }, "envs/Prod/settings.age", Encrypt("A=1\n", Prod))));
        var unknown = await Assert.ThrowsAsync<VarTrackException>(() => Transform(rule, "envs/Prod/settings.age", Encrypt("A=1\n", Prod)));
        Assert.StartsWith("envs/Prod/settings.age: cannot tell the format from the file name", unknown.Problems[0].ToString());
    }

    [Fact]
    public async Task Plaintext_files_pass_through_whether_or_not_the_rule_can_decrypt()
    {
        var bytes = Encoding.UTF8.GetBytes(Plaintext);

        Assert.Equal(Expected, Values(await Transform(Rule(null), ProdFile, bytes)));
        // The identity is only read when a file needs it: a missing key file does not affect plaintext files.
        Assert.Equal(Expected, Values(await Transform(Rule("{ age_identities: [missing.key] }"), ProdFile, bytes)));
        // Detection is by the start of the content, not by a mention of the format anywhere in it.
        Assert.Equal(new Dictionary<string, string?> { ["note"] = "age-encryption.org/v1" },
            Values(await Transform(Rule(null), ProdFile, "note: age-encryption.org/v1\n"u8.ToArray())));
    }

    [Fact]
    public async Task A_dot_age_file_that_is_not_encrypted_is_refused_rather_than_parsed()
    {
        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule(null), "envs/Prod/app.yaml.age", Encoding.UTF8.GetBytes(Plaintext)));

        Assert.Equal("envs/Prod/app.yaml.age rule 'prod': the file is named as an age file (.age) but is not encrypted (no age header); " +
                     "encrypt it (age -r ...) or drop the .age suffix", Assert.Single(error.Problems).ToString());
        AssertNoKeyOrPlaintext(error);
    }

    [Fact]
    public async Task An_encrypted_file_under_a_rule_without_identities_fails_naming_file_and_rule()
    {
        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule(null), ProdFile, Encrypt(Plaintext, Prod)));

        Assert.Equal("envs/Prod/app.yaml rule 'prod': the file is encrypted (age) and the rule has no identity to read it; " +
                     "set 'decrypt: { age_identities: [...] }' on the rule", Assert.Single(error.Problems).ToString());
    }

    [Fact]
    public async Task An_identity_that_does_not_match_fails_naming_file_and_rule_and_never_a_key()
    {
        WriteKeyFile("dev.key", Dev);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("{ age_identities: [dev.key] }"), ProdFile, Encrypt(Plaintext, Prod)));

        Assert.Equal("envs/Prod/app.yaml rule 'prod': cannot decrypt: none of the configured age identities can read it (the file is encrypted for other recipients)",
            Assert.Single(error.Problems).ToString());
        AssertNoKeyOrPlaintext(error);
    }

    [Fact]
    public async Task Any_one_of_several_identities_opens_the_file()
    {
        WriteKeyFile("dev.key", Dev);
        WriteKeyFile("both.key", Dev, Prod);
        var rule = Rule("{ age_identities: [dev.key, both.key] }");

        Assert.Equal(Expected, Values(await Transform(rule, ProdFile, Encrypt(Plaintext, Prod))));
        Assert.Equal(Expected, Values(await Transform(rule, "envs/Dev/app.yaml", Encrypt(Plaintext, Dev))));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("header")]
    [InlineData("armor")]
    public async Task A_corrupt_or_truncated_file_fails_naming_the_file_and_returns_no_plaintext(string damage)
    {
        WriteKeyFile("prod.key", Prod);
        var good = Encrypt(Plaintext, Prod);
        var bad = damage switch
        {
            "truncated" => good[..^10],
            "flipped" => FlipLast(good),
            "header" => [.. "age-encryption.org/v1\n-> X25519 !!!\n"u8],
            _ => [.. "-----BEGIN AGE ENCRYPTED FILE-----\nnot base64 at all\n-----END AGE ENCRYPTED FILE-----\n"u8],
        };

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("{ age_identities: [prod.key] }"), ProdFile, bad));

        var problem = Assert.Single(error.Problems);
        Assert.Equal((ProdFile, "prod"), (problem.File, problem.Rule));
        Assert.StartsWith("cannot decrypt: ", problem.Message);
        AssertNoKeyOrPlaintext(error);

        static byte[] FlipLast(byte[] bytes)
        {
            var copy = bytes.ToArray();
            copy[^1] ^= 0x01;
            return copy;
        }
    }

    [Fact]
    public async Task A_parse_error_inside_a_decrypted_file_names_the_file_and_the_plaintext_line_and_column()
    {
        WriteKeyFile("prod.key", Prod);
        const string broken = "db:\n  host: prod-db\n  host: again\n";
        var rule = Rule("{ age_identities: [prod.key] }");
        var asPlaintext = await Assert.ThrowsAsync<VarTrackException>(() => Transform(rule, ProdFile, Encoding.UTF8.GetBytes(broken)));

        var encrypted = await Assert.ThrowsAsync<VarTrackException>(() => Transform(rule, ProdFile, Encrypt(broken, Prod)));
        var encryptedAge = await Assert.ThrowsAsync<VarTrackException>(() => Transform(rule, ProdFile + ".age", Encrypt(broken, Prod)));

        var problem = Assert.Single(encrypted.Problems);
        Assert.Equal(ProdFile, problem.File);
        Assert.Equal("envs/Prod/app.yaml:3:3: duplicate key 'host' (first defined at 2:3)", problem.ToString());
        Assert.Equal(asPlaintext.Problems.Select(p => p.ToString()), encrypted.Problems.Select(p => p.ToString()));
        Assert.Equal(problem.Position, Assert.Single(encryptedAge.Problems).Position);
        Assert.StartsWith("envs/Prod/app.yaml.age:3:", encryptedAge.Problems[0].ToString());
    }

    [Fact]
    public async Task An_identity_from_the_environment_may_be_a_whole_age_keygen_file()
    {
        var keyFile = Prod.ExportIdentityFile(DateTimeOffset.UnixEpoch);
        var pipeline = Pipeline(name => name == "AGE_PROD" ? keyFile : null);

        var rendered = await Transform(Rule("""{ age_identities: "${AGE_PROD}" }"""), ProdFile, Encrypt(Plaintext, Prod), pipeline);

        Assert.Equal(Expected, Values(rendered));
    }

    [Fact]
    public async Task An_identity_from_the_environment_may_name_a_key_file()
    {
        WriteKeyFile("prod.key", Prod);
        var pipeline = Pipeline(name => name == "AGE_PROD_FILE" ? Path.Combine(_folder, "prod.key") : null);

        var rendered = await Transform(Rule("""{ age_identities: ["${AGE_PROD_FILE}"] }"""), ProdFile, Encrypt(Plaintext, Prod), pipeline);

        Assert.Equal(Expected, Values(rendered));
    }

    [Fact]
    public async Task An_identity_from_the_secret_store_is_read_there_and_never_shown()
    {
        var store = new KeyStore(Prod.ExportSecretKey());

        var rendered = await Transform(Rule("{ age_identities: ['@secret(kv/vartrack#age_prod)'] }"), ProdFile, Encrypt(Plaintext, Prod), Pipeline(secrets: store));
        var missing = await Assert.ThrowsAsync<VarTrackException>(() =>
            Transform(Rule("{ age_identities: ['@secret(kv/vartrack#age_dev)'] }"), ProdFile, Encrypt(Plaintext, Prod), Pipeline(secrets: store)));

        Assert.Equal(Expected, Values(rendered));
        Assert.Equal("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0]: cannot resolve @secret(kv/vartrack#age_dev): the secret has no key 'age_dev'",
            Assert.Single(missing.Problems).ToString());
        AssertNoKeyOrPlaintext(missing);
    }

    [Fact]
    public async Task An_unusable_identity_setting_fails_naming_file_rule_and_setting()
    {
        var encrypted = Encrypt(Plaintext, Prod);

        var noFile = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("{ age_identities: [keys/missing.key] }"), ProdFile, encrypted));
        var noVariable = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("""{ age_identities: ["${AGE_UNSET}"] }"""), ProdFile, encrypted));
        var badKey = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("{ age_identities: [AGE-SECRET-KEY-1NOTAKEY] }"), ProdFile, encrypted));

        Assert.Equal($"envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0] names the age identity file '{Path.Combine(_folder, "keys", "missing.key")}', " +
                     "which cannot be read: it does not exist", Assert.Single(noFile.Problems).ToString());
        Assert.Equal("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0] uses ${AGE_UNSET}, but the environment variable AGE_UNSET is not set",
            Assert.Single(noVariable.Problems).ToString());
        Assert.StartsWith("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0]: invalid age identity: ", Assert.Single(badKey.Problems).ToString());
        AssertNoKeyOrPlaintext(badKey);
    }

    [Theory]
    [InlineData("""{ age_identities: ["${AGE_OLD}", prod.key] }""")]
    [InlineData("""{ age_identities: ["${AGE_UNSET}", prod.key] }""")]
    [InlineData("""{ age_identities: [missing.key, prod.key] }""")]
    [InlineData("""{ age_identities: [prod.key, "${AGE_UNSET}"] }""")]
    public async Task One_unusable_identity_beside_a_working_one_does_not_stop_decryption(string decrypt)
    {
        WriteKeyFile("prod.key", Prod);
        var pipeline = Pipeline(name => name == "AGE_OLD" ? "AGE-SECRET-KEY-1QQQQQQQQQQ" : null);

        var rendered = await Transform(Rule(decrypt), ProdFile, Encrypt(Plaintext, Prod), pipeline);

        Assert.Equal(Expected, Values(rendered));
    }

    [Fact]
    public async Task When_no_identity_opens_the_file_each_unusable_one_is_named_by_its_setting_in_one_line()
    {
        WriteKeyFile("dev.key", Dev);
        var pipeline = Pipeline(name => name == "AGE_OLD" ? "AGE-SECRET-KEY-1QQQQQQQQQQ" : null);

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            Transform(Rule("""{ age_identities: [dev.key, "${AGE_OLD}", "${AGE_GONE}"] }"""), ProdFile, Encrypt(Plaintext, Prod), pipeline));

        var problem = Assert.Single(error.Problems).ToString();
        Assert.StartsWith("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[1]: invalid age identity: ", problem);
        Assert.EndsWith("; decrypt.age_identities[2] uses ${AGE_GONE}, but the environment variable AGE_GONE is not set; " +
                        "none of the others can read it (the file is encrypted for other recipients)", problem);
        Assert.DoesNotContain("QQQQ", problem);
        AssertNoKeyOrPlaintext(error);
    }

    [Fact]
    public async Task A_value_from_the_environment_that_is_no_key_and_no_file_is_never_printed()
    {
        var pipeline = Pipeline(name => name == "AGE_PROD" ? "hunter2-some-password" : null);

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("""{ age_identities: ["${AGE_PROD}"] }"""), ProdFile, Encrypt(Plaintext, Prod), pipeline));

        Assert.Equal("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0]: ${AGE_PROD} is neither age key text nor the path of a readable identity file " +
                     "(it does not exist; its value is not shown)", Assert.Single(error.Problems).ToString());
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public async Task A_key_file_without_any_key_is_named_as_such()
    {
        File.WriteAllText(Path.Combine(_folder, "empty.key"), "# public key: age1...\n");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Transform(Rule("{ age_identities: [empty.key] }"), ProdFile, Encrypt(Plaintext, Prod)));

        Assert.Equal("envs/Prod/app.yaml rule 'prod': cannot decrypt: decrypt.age_identities[0] holds no key (no line starting with AGE-SECRET-KEY-1)",
            Assert.Single(error.Problems).ToString());
    }

    private sealed class KeyStore(string key) : ISecretStore
    {
        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            path == "kv/vartrack"
                ? Task.FromResult<IReadOnlyDictionary<string, SecretValue>>(new Dictionary<string, SecretValue> { ["age_prod"] = new(key) })
                : throw new SecretStoreException(path, $"secret '{path}' not found") { NotFound = true };
    }
}

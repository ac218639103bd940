using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using VarTrack.Core.Text;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>Which files are encrypted for whom, and what reading needs; the age format itself is tested with the age tool in the connectors tests.</summary>
public sealed class MetaFileCodecTests
{
    private static readonly VarTrack.Core.Releases.Age.AgeIdentity Prod = VarTrack.Core.Releases.Age.AgeIdentity.Generate();
    private static readonly VarTrack.Core.Releases.Age.AgeIdentity Dev = VarTrack.Core.Releases.Age.AgeIdentity.Generate();
    private static readonly string ProdKey = Prod.Recipient.ToString();
    private static readonly string DevKey = Dev.Recipient.ToString();

    private static MetaFileCodec Codec(params string[] identities) => new(new MetaSettings("/meta.git")
    {
        Encryption =
        [
            new MetaEncryptionRule([Glob.Parse("envs/Prod/**")], [ProdKey]),
            new MetaEncryptionRule([Glob.Parse("envs/Dev/**"), Glob.Parse("projects/*/flags/dev/*")], [DevKey, ProdKey]),
        ],
        Identities = [.. identities.Select(i => new SettingValue(i, default))],
    }, new FakeCipher(), new SettingResolver(_ => null));

    [Fact]
    public async Task Files_matching_a_rule_are_encrypted_for_its_recipients_and_others_are_stored_as_they_are()
    {
        var codec = Codec(Prod.ExportSecretKey());

        var prod = codec.Encode("envs/Prod/app.yaml", Bytes("db: prod\n"));
        var plain = codec.Encode("envs/Stage/app.yaml", Bytes("db: stage\n"));

        Assert.True(MetaFileCodec.LooksEncrypted(prod));
        Assert.Equal("db: stage\n", Utf8(plain));
        Assert.Equal("db: prod\n", Utf8(await codec.DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None)));
        Assert.Equal([DevKey, ProdKey], codec.RecipientsFor("projects/shop/flags/dev/flags.json"));
    }

    [Fact]
    public async Task An_armored_file_after_a_blank_line_is_decrypted_not_taken_for_plaintext()
    {
        var identity = VarTrack.Core.Releases.Age.AgeIdentity.Generate();
        var armored = VarTrack.Core.Releases.Age.AgeEncryption.Encrypt("db: prod\n"u8, [identity.Recipient], armor: true);
        var stored = Bytes("\n" + Utf8(armored));
        var codec = new MetaFileCodec(new MetaSettings("/meta.git") { Identities = [new SettingValue(identity.ExportSecretKey(), default)] },
            new AgeCipher(), new SettingResolver(_ => null));

        Assert.True(codec.IsEncrypted(stored));
        Assert.True(MetaFileCodec.LooksEncrypted(stored));
        Assert.Equal("db: prod\n", Utf8(await codec.DecodeAsync("envs/Prod/app.yaml", stored, CancellationToken.None)));
    }

    [Fact]
    public async Task A_dev_identity_cannot_read_prod()
    {
        var prod = Codec().Encode("envs/Prod/app.yaml", Bytes("db: prod\n"));

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Codec(Dev.ExportSecretKey()).DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None));

        Assert.Equal("envs/Prod/app.yaml: cannot decrypt: none of the configured age identities can read it", error.Problems[0].ToString());
        Assert.DoesNotContain("AGE-SECRET-KEY", error.Message);
    }

    [Fact]
    public async Task Any_one_usable_identity_opens_the_file_and_when_none_does_each_unusable_one_is_named()
    {
        var prod = Codec().Encode("envs/Prod/app.yaml", Bytes("db: prod\n"));
        MetaFileCodec With(string key) => new(new MetaSettings("/meta.git")
        {
            Identities = [new SettingValue("${AGE_OLD}", default) { EnvironmentVariables = ["AGE_OLD"] }, new SettingValue("/no/such/key.txt", default), new SettingValue(key, default)],
        }, new FakeCipher(), new SettingResolver(_ => null));

        Assert.Equal("db: prod\n", Utf8(await With(Prod.ExportSecretKey()).DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None)));
        var error = await Assert.ThrowsAsync<VarTrackException>(() => With(Dev.ExportSecretKey()).DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None));

        Assert.Equal("envs/Prod/app.yaml: cannot decrypt: meta.identities[0] uses ${AGE_OLD}, but the environment variable AGE_OLD is not set; " +
                     "meta.identities[1] names the age identity file '/no/such/key.txt', which cannot be read: it does not exist; " +
                     "none of the others can read it (the file is encrypted for other recipients)", Assert.Single(error.Problems).ToString());
        Assert.DoesNotContain("AGE-SECRET-KEY", error.Message);
    }

    [Fact]
    public async Task Reading_an_encrypted_file_without_identities_says_what_to_configure()
    {
        var prod = Codec().Encode("envs/Prod/app.yaml", Bytes("db: prod\n"));

        var error = await Assert.ThrowsAsync<VarTrackException>(() => Codec().DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None));

        Assert.Equal("envs/Prod/app.yaml: the file is encrypted (age) and no identity is configured to read it; set meta.identities", error.Problems[0].ToString());
    }

    [Fact]
    public async Task An_identity_setting_may_hold_a_whole_age_keygen_file_from_the_environment()
    {
        var prod = Codec().Encode("envs/Prod/app.yaml", Bytes("db: prod\n"));
        var codec = new MetaFileCodec(new MetaSettings("/meta.git") { Identities = [new SettingValue("${AGE_KEYS}", default) { EnvironmentVariables = ["AGE_KEYS"] }] },
            new FakeCipher(), new SettingResolver(name => name == "AGE_KEYS" ? Prod.ExportIdentityFile(DateTimeOffset.UnixEpoch) : null));

        Assert.Equal("db: prod\n", Utf8(await codec.DecodeAsync("envs/Prod/app.yaml", prod, CancellationToken.None)));
    }

    [Fact]
    public void Records_are_never_encrypted_and_a_missing_age_implementation_is_named()
    {
        var codec = new MetaFileCodec(new MetaSettings("/meta.git") { Encryption = [new MetaEncryptionRule([Glob.Parse("**")], [ProdKey])] }, null, new SettingResolver(_ => null));

        Assert.Equal("projects/shop/releases/1.json: release, binary and event records are never encrypted; narrow the meta.encryption paths",
            Assert.Throws<VarTrackException>(() => codec.Encode("projects/shop/releases/1.json", Bytes("{}"))).Problems[0].ToString());
        Assert.Equal("envs/Prod/a.yaml: the file needs age encryption, and no age implementation is available in this host",
            Assert.Throws<VarTrackException>(() => codec.Encode("envs/Prod/a.yaml", Bytes("a"))).Problems[0].ToString());
    }
}

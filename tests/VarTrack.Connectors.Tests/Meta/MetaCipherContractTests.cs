using System.Text;
using VarTrack.Connectors.Meta;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;
using VarTrack.Core.Text;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// Encryption of meta files, alone and through a meta repository on the Git HTTP server, with each cipher: the
/// in-process age format (the default) and the real age tool; both are checked against the age tool.
/// </summary>
public abstract class MetaCipherContractTests : IDisposable
{
    private readonly IMetaCipher _cipher;
    private readonly MetaRemote _remote = new();

    protected MetaCipherContractTests(IMetaCipher cipher) => _cipher = cipher;

    public void Dispose() => _remote.Dispose();

    [Fact]
    public void Files_encrypted_here_decrypt_with_the_age_tool_and_the_other_way_round()
    {
        var (identity, recipient) = AgeKeys.Generate();
        var identityFile = Path.Combine(Path.GetTempPath(), $"vt-age-test-{Guid.NewGuid():N}");
        File.WriteAllText(identityFile, identity + "\n");
        try
        {
            var ciphertext = _cipher.Encrypt("envs/Prod/app.yaml", "db: prod\n"u8.ToArray(), [recipient]);
            Assert.True(_cipher.IsEncrypted(ciphertext));
            Assert.StartsWith("age-encryption.org/v1\n", Encoding.ASCII.GetString(ciphertext, 0, 22));
            var (code, plain, _) = AgeKeys.Age(ciphertext, "--decrypt", "--identity", identityFile);
            Assert.Equal((0, "db: prod\n"), (code, Encoding.UTF8.GetString(plain)));

            var (_, armored, _) = AgeKeys.Age("from the tool\n"u8.ToArray(), "--encrypt", "--armor", "--recipient", recipient);
            Assert.True(_cipher.IsEncrypted(armored));
            Assert.Equal("from the tool\n", Encoding.UTF8.GetString(_cipher.Decrypt("x", armored, [identity])));
        }
        finally
        {
            File.Delete(identityFile);
        }
    }

    [Fact]
    public void Another_key_cannot_decrypt_and_the_error_names_the_file_but_no_key()
    {
        var (_, prodRecipient) = AgeKeys.Generate();
        var (devIdentity, _) = AgeKeys.Generate();
        var ciphertext = _cipher.Encrypt("envs/Prod/app.yaml", "db: prod\n"u8.ToArray(), [prodRecipient]);

        var error = Assert.Throws<VarTrackException>(() => _cipher.Decrypt("envs/Prod/app.yaml", ciphertext, [devIdentity]));

        Assert.Equal("envs/Prod/app.yaml: cannot decrypt: none of the configured age identities can read it (the file is encrypted for other recipients)", error.Problems[0].ToString());
        Assert.DoesNotContain(devIdentity, error.Message);
    }

    [Fact]
    public async Task A_prod_file_in_the_repository_is_ciphertext_that_only_the_prod_key_reads()
    {
        var prod = AgeKeys.Generate();
        var dev = AgeKeys.Generate();
        var settings = _remote.Settings() with
        {
            Encryption =
            [
                new MetaEncryptionRule([Glob.Parse("envs/Prod/**")], [prod.Recipient]),
                new MetaEncryptionRule([Glob.Parse("envs/Dev/**")], [dev.Recipient, prod.Recipient]),
            ],
        };
        var writer = _remote.Writer("ops", cipher: _cipher, settings: settings);

        await writer.PutEnvironmentFileAsync("Prod", null, "app.yaml", "db_password: s3cr3t-prod\n"u8.ToArray());
        await writer.PutEnvironmentFileAsync("Dev", "alice", "app.yaml", "db_password: dev\n"u8.ToArray());
        await writer.PutEnvironmentFileAsync("Stage", null, "app.yaml", "db_password: stage\n"u8.ToArray());

        var stored = _remote.Show("envs/Prod/app.yaml");
        Assert.StartsWith("age-encryption.org/v1\n", stored);
        Assert.DoesNotContain("s3cr3t-prod", stored);
        Assert.Equal("db_password: stage\n", _remote.Show("envs/Stage/app.yaml"));

        var tree = await _remote.Repository("reader").ReadTipAsync(TimeSpan.Zero);
        var prodBytes = tree.Read("envs/Prod/app.yaml")!;
        Assert.Equal("db_password: s3cr3t-prod\n", Encoding.UTF8.GetString(await Codec(settings, prod.Identity).DecodeAsync("envs/Prod/app.yaml", prodBytes, CancellationToken.None)));
        var denied = await Assert.ThrowsAsync<VarTrackException>(() => Codec(settings, dev.Identity).DecodeAsync("envs/Prod/app.yaml", prodBytes, CancellationToken.None));
        Assert.Contains("none of the configured age identities can read it", denied.Message);
        Assert.DoesNotContain(dev.Identity, denied.Message);
        var none = await Assert.ThrowsAsync<VarTrackException>(() => Codec(settings).DecodeAsync("envs/Prod/app.yaml", prodBytes, CancellationToken.None));
        Assert.Equal("envs/Prod/app.yaml: the file is encrypted (age) and no identity is configured to read it; set meta.identities", none.Problems[0].ToString());
        Assert.Equal("db_password: dev\n", Encoding.UTF8.GetString(await Codec(settings, dev.Identity).DecodeAsync("envs/Dev/alice/app.yaml", tree.Read("envs/Dev/alice/app.yaml")!, CancellationToken.None)));
        Assert.Empty(MetaVerifier.Verify(await _remote.Repository("reader").HistoryAsync()));
    }

    [Fact]
    public async Task Encrypted_flags_are_readable_with_the_key_and_changed_on_top_of_what_is_stored()
    {
        var (identity, recipient) = AgeKeys.Generate();
        var settings = _remote.Settings() with
        {
            Encryption = [new MetaEncryptionRule([Glob.Parse("projects/*/flags/prod/*")], [recipient])],
            Identities = [new SettingValue(identity, SourcePosition.None)],
        };
        var writer = _remote.Writer("ops", cipher: _cipher, settings: settings);

        await writer.SetFlagsAsync("shop", "prod", new Dictionary<string, System.Text.Json.Nodes.JsonValue> { ["a"] = FlagSet.ValueOf("true") }, []);
        await writer.SetFlagsAsync("shop", "prod", new Dictionary<string, System.Text.Json.Nodes.JsonValue> { ["b"] = FlagSet.ValueOf("2") }, []);

        Assert.StartsWith("age-encryption.org/v1\n", _remote.Show("projects/shop/flags/prod/flags.json"));
        var flags = await writer.ReadFlagsAsync(await _remote.Repository("reader").ReadTipAsync(TimeSpan.Zero), "shop", "prod", CancellationToken.None);
        Assert.Equal(["a", "b"], flags.Flags.Keys.Order());
    }

    private MetaFileCodec Codec(MetaSettings settings, params string[] identities) =>
        new(settings with { Identities = [.. identities.Select(i => new SettingValue(i, SourcePosition.None))] }, _cipher, new SettingResolver(_ => null));
}

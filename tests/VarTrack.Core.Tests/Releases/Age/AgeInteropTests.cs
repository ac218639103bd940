using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

/// <summary>
/// Interop with the real <c>age</c> and <c>age-keygen</c> tools (Debian package <c>age</c>): each direction, both key
/// sources, armor, several recipients. Fails (does not skip) when the tools are missing.
/// </summary>
public sealed class AgeInteropTests : IDisposable
{
    private readonly AgeTool _age = new();

    public void Dispose() => _age.Dispose();

    /// <summary>A key made by age-keygen: its file path and the identities parsed from it.</summary>
    private (string Path, AgeIdentity Identity) KeygenIdentity(string name)
    {
        var path = _age.PathOf(name);
        _age.Run("age-keygen", [], "-o", path);
        var identities = AgeIdentity.ParseFile(File.ReadAllText(path));
        return (path, Assert.Single(identities));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(200 * 1024)]
    public void Files_encrypted_by_age_decrypt_here(int size)
    {
        var (_, identity) = KeygenIdentity("key.txt");
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var file = _age.Run("age", plaintext, "-r", identity.Recipient.ToString());
        Assert.Equal(plaintext, AgeEncryption.Decrypt(file, [identity]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(200 * 1024)]
    public void Files_encrypted_here_decrypt_with_age(int size)
    {
        var (keyPath, identity) = KeygenIdentity("key.txt");
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var file = AgeEncryption.Encrypt(plaintext, [identity.Recipient]);
        Assert.Equal(plaintext, _age.Run("age", file, "-d", "-i", keyPath));
    }

    [Fact]
    public void Keys_from_age_keygen_parse_to_the_recipient_age_keygen_prints()
    {
        var (keyPath, identity) = KeygenIdentity("key.txt");
        var text = File.ReadAllText(keyPath);
        Assert.StartsWith("# created: ", text);
        var publicKey = Encoding.ASCII.GetString(_age.Run("age-keygen", [], "-y", keyPath)).Trim();
        Assert.Equal(publicKey, identity.Recipient.ToString());
        Assert.Contains($"# public key: {publicKey}\n", text);
        Assert.Equal(identity.Recipient, AgeRecipient.Parse(publicKey));
        Assert.Contains(identity.ExportSecretKey(), text);
    }

    [Fact]
    public void Identities_generated_here_work_with_age()
    {
        var identity = AgeIdentity.Generate();
        var keyPath = _age.WriteFile("mine.txt", identity.ExportIdentityFile(DateTimeOffset.UtcNow));
        Assert.Equal(identity.Recipient.ToString(), Encoding.ASCII.GetString(_age.Run("age-keygen", [], "-y", keyPath)).Trim());

        var toAge = AgeEncryption.Encrypt("from vartrack"u8, [identity.Recipient]);
        Assert.Equal("from vartrack"u8.ToArray(), _age.Run("age", toAge, "-d", "-i", keyPath));

        var fromAge = _age.Run("age", "from age"u8.ToArray(), "-r", identity.Recipient.ToString());
        Assert.Equal("from age"u8.ToArray(), AgeEncryption.Decrypt(fromAge, [identity]));
    }

    [Fact]
    public void Armored_files_from_age_decrypt_here()
    {
        var (_, identity) = KeygenIdentity("key.txt");
        foreach (var size in new[] { 0, 100, 70000 })
        {
            var plaintext = RandomNumberGenerator.GetBytes(size);
            var armored = _age.Run("age", plaintext, "-a", "-r", identity.Recipient.ToString());
            Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----\n", Encoding.ASCII.GetString(armored));
            Assert.True(AgeEncryption.IsEncrypted(armored));
            Assert.Equal(plaintext, AgeEncryption.Decrypt(armored, [identity]));
        }
    }

    [Fact]
    public void Armored_files_from_here_decrypt_with_age()
    {
        var (keyPath, identity) = KeygenIdentity("key.txt");
        var plaintext = RandomNumberGenerator.GetBytes(70000);
        var armored = AgeEncryption.Encrypt(plaintext, [identity.Recipient], armor: true);
        Assert.Equal(plaintext, _age.Run("age", armored, "-d", "-i", keyPath));
    }

    [Fact]
    public void Armor_written_here_has_the_line_layout_age_writes()
    {
        // Same plaintext and recipient give files of the same length, so both armors must have the same line lengths.
        var (keyPath, identity) = KeygenIdentity("key.txt");
        var binary = _age.Run("age", RandomNumberGenerator.GetBytes(5000), "-r", identity.Recipient.ToString());
        var plaintext = AgeEncryption.Decrypt(binary, [identity]);
        var ours = AgeEncryption.Encrypt(plaintext, [identity.Recipient], armor: true);
        var lines = Encoding.ASCII.GetString(ours).Split('\n');
        Assert.Equal("-----BEGIN AGE ENCRYPTED FILE-----", lines[0]);
        Assert.Equal("-----END AGE ENCRYPTED FILE-----", lines[^2]);
        Assert.Equal("", lines[^1]);
        var theirs = Encoding.ASCII.GetString(_age.Run("age", plaintext, "-a", "-r", identity.Recipient.ToString())).Split('\n');
        Assert.Equal(theirs.Length, lines.Length);
        Assert.Equal(theirs.Select(l => l.Length), lines.Select(l => l.Length));
        Assert.Equal(plaintext, _age.Run("age", ours, "-d", "-i", keyPath));
    }

    [Fact]
    public void Several_recipients_work_in_both_directions()
    {
        var (firstPath, first) = KeygenIdentity("first.txt");
        var (secondPath, second) = KeygenIdentity("second.txt");
        var plaintext = RandomNumberGenerator.GetBytes(1234);

        var fromAge = _age.Run("age", plaintext, "-r", first.Recipient.ToString(), "-r", second.Recipient.ToString());
        Assert.Equal(plaintext, AgeEncryption.Decrypt(fromAge, [first]));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(fromAge, [second]));

        var ours = AgeEncryption.Encrypt(plaintext, [first.Recipient, second.Recipient]);
        Assert.Equal(plaintext, _age.Run("age", ours, "-d", "-i", firstPath));
        Assert.Equal(plaintext, _age.Run("age", ours, "-d", "-i", secondPath));
    }

    [Fact]
    public void Wrong_keys_are_refused_in_both_directions()
    {
        var (devPath, dev) = KeygenIdentity("dev.txt");
        var (_, prod) = KeygenIdentity("prod.txt");

        var fromAge = _age.Run("age", "prod only"u8.ToArray(), "-r", prod.Recipient.ToString());
        var error = Assert.Throws<AgeNoMatchingIdentityException>(() => AgeEncryption.Decrypt(fromAge, [dev]));
        Assert.StartsWith("no identity matches any recipient", error.Message);

        var ours = AgeEncryption.Encrypt("prod only"u8, [prod.Recipient]);
        var (exitCode, stdout, stderr) = _age.TryRun("age", ours, "-d", "-i", devPath);
        Assert.NotEqual(0, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("no identity matched any of the recipients", stderr);
    }

    [Fact]
    public void A_file_tampered_after_age_wrote_it_is_refused_here()
    {
        var (_, identity) = KeygenIdentity("key.txt");
        var file = _age.Run("age", RandomNumberGenerator.GetBytes(100), "-r", identity.Recipient.ToString());
        file[^5] ^= 1;
        var error = Assert.Throws<AgeFormatException>(() => AgeEncryption.Decrypt(file, [identity]));
        Assert.StartsWith("age payload chunk 0 at offset ", error.Message);
    }
}

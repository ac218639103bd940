using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

public sealed class AgeEncryptionTests
{
    private static readonly AgeIdentity Alice = AgeIdentity.Generate();
    private static readonly AgeIdentity Bob = AgeIdentity.Generate();
    private static readonly AgeIdentity Carol = AgeIdentity.Generate();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(200 * 1024)]
    public void Round_trips_every_size_around_the_chunk_boundaries(int size)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var file = AgeEncryption.Encrypt(plaintext, [Alice.Recipient]);
        Assert.Equal(plaintext, AgeEncryption.Decrypt(file, [Alice]));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(65536, 1)]
    [InlineData(65537, 2)]
    [InlineData(200 * 1024, 4)]
    public void File_is_header_nonce_and_one_tag_per_64_KiB_chunk(int size, int chunks)
    {
        var file = AgeEncryption.Encrypt(new byte[size], [Alice.Recipient]);
        var header = HeaderOf(file);
        Assert.Equal(header.Length + 16 + size + 16 * chunks, file.Length);
    }

    [Fact]
    public void Header_has_the_v1_layout()
    {
        var header = HeaderOf(AgeEncryption.Encrypt("hello"u8, [Alice.Recipient, Bob.Recipient]));
        Assert.Matches(new Regex(
            @"\Aage-encryption\.org/v1\n" +
            @"-> X25519 [A-Za-z0-9+/]{43}\n[A-Za-z0-9+/]{43}\n" +
            @"-> X25519 [A-Za-z0-9+/]{43}\n[A-Za-z0-9+/]{43}\n" +
            @"--- [A-Za-z0-9+/]{43}\n\z"), header);
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_file_key_share_and_nonce()
    {
        var first = AgeEncryption.Encrypt("same"u8, [Alice.Recipient]);
        var second = AgeEncryption.Encrypt("same"u8, [Alice.Recipient]);
        Assert.NotEqual(first, second);
        Assert.NotEqual(HeaderOf(first).Split('\n')[1], HeaderOf(second).Split('\n')[1]);
    }

    [Fact]
    public void Every_recipient_can_decrypt_a_file_for_several()
    {
        var plaintext = Encoding.UTF8.GetBytes("db.password = hunter2");
        var file = AgeEncryption.Encrypt(plaintext, [Alice.Recipient, Bob.Recipient, Carol.Recipient]);
        Assert.Equal(3, Regex.Count(HeaderOf(file), "^-> X25519 ", RegexOptions.Multiline));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(file, [Alice]));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(file, [Bob]));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(file, [Carol]));
    }

    [Fact]
    public void Any_matching_identity_among_several_decrypts()
    {
        var file = AgeEncryption.Encrypt("x"u8, [Carol.Recipient]);
        Assert.Equal("x"u8.ToArray(), AgeEncryption.Decrypt(file, [Alice, Bob, Carol]));
    }

    [Fact]
    public void Wrong_identity_is_refused_with_a_clear_error()
    {
        var file = AgeEncryption.Encrypt("prod secret"u8, [Alice.Recipient, Bob.Recipient]);
        var error = Assert.Throws<AgeNoMatchingIdentityException>(() => AgeEncryption.Decrypt(file, [Carol]));
        Assert.Equal(
            $"no identity matches any recipient: the file has 2 recipient stanza(s) (2 x X25519), none made for the identities of {Carol.Recipient}",
            error.Message);
        Assert.DoesNotContain("AGE-SECRET-KEY-1" + "Q", error.Message);
    }

    [Fact]
    public void Passphrase_files_are_named_as_unsupported()
    {
        var header = "age-encryption.org/v1\n-> scrypt ajMFur+EJLGaohv/dLRGnw 18\n8SHBz/ldWnjyGFQqfjat6uNBarWqqEMDS7W8X7+Xq5Q\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
        var error = Assert.Throws<AgeNoMatchingIdentityException>(() => AgeEncryption.Decrypt(Encoding.ASCII.GetBytes(header), [Alice]));
        Assert.EndsWith("the file is passphrase-encrypted (scrypt), which is not supported", error.Message);
    }

    [Fact]
    public void Armored_output_is_strict_pem_and_decrypts()
    {
        var plaintext = RandomNumberGenerator.GetBytes(1000);
        var armored = AgeEncryption.Encrypt(plaintext, [Alice.Recipient], armor: true);
        var text = Encoding.ASCII.GetString(armored);
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----\n", text);
        Assert.EndsWith("\n-----END AGE ENCRYPTED FILE-----\n", text);
        var lines = text.Split('\n')[1..^2];
        Assert.All(lines[..^1], line => Assert.Equal(64, line.Length));
        Assert.InRange(lines[^1].Length, 1, 64);
        var binary = Convert.FromBase64String(string.Concat(lines));
        Assert.StartsWith("age-encryption.org/v1\n", Encoding.ASCII.GetString(binary));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(armored, [Alice]));
        Assert.Equal(plaintext, AgeEncryption.Decrypt(binary, [Alice]));
    }

    [Fact]
    public void Binary_output_is_the_default()
    {
        var file = AgeEncryption.Encrypt("x"u8, [Alice.Recipient]);
        Assert.StartsWith("age-encryption.org/v1\n", Encoding.Latin1.GetString(file));
    }

    [Fact]
    public void IsEncrypted_recognises_binary_and_armored_files_only()
    {
        Assert.True(AgeEncryption.IsEncrypted(AgeEncryption.Encrypt("x"u8, [Alice.Recipient])));
        Assert.True(AgeEncryption.IsEncrypted(AgeEncryption.Encrypt("x"u8, [Alice.Recipient], armor: true)));
        Assert.True(AgeEncryption.IsEncrypted("\r\n  -----BEGIN AGE ENCRYPTED FILE-----\n"u8));
        Assert.True(AgeEncryption.IsEncrypted("age-encryption.org/v2\n"u8)); // reported as unsupported by Decrypt, not taken for plaintext
        Assert.False(AgeEncryption.IsEncrypted(""u8));
        Assert.False(AgeEncryption.IsEncrypted("db:\n  password: x\n"u8));
        Assert.False(AgeEncryption.IsEncrypted("age-encryption.org"u8));
        Assert.False(AgeEncryption.IsEncrypted("-----BEGIN PGP MESSAGE-----\n"u8));
    }

    [Fact]
    public void Recipients_and_identities_are_required()
    {
        Assert.Throws<ArgumentException>(() => AgeEncryption.Encrypt("x"u8, []));
        var file = AgeEncryption.Encrypt("x"u8, [Alice.Recipient]);
        Assert.Throws<ArgumentException>(() => AgeEncryption.Decrypt(file, []));
    }

    [Theory]
    [InlineData(0, "\n")]
    [InlineData(32, "{43}\n")]
    [InlineData(47, "{63}\n")]
    [InlineData(48, "{64}\n\n")]
    [InlineData(49, "{64}\n[A-Za-z0-9+/]{2}\n")]
    [InlineData(96, "{64}\n[A-Za-z0-9+/]{64}\n\n")]
    public void Stanza_bodies_wrap_at_64_columns_and_end_with_a_shorter_line(int bodySize, string bodyPattern)
    {
        var fileKey = RandomNumberGenerator.GetBytes(16);
        var stanza = new AgeStanza(["test", "arg"], RandomNumberGenerator.GetBytes(bodySize));
        var header = Encoding.ASCII.GetString(AgeHeader.Write([stanza], fileKey));
        var pattern = bodySize == 0 ? "\n" : "[A-Za-z0-9+/]" + bodyPattern;
        Assert.Matches(new Regex(@"\Aage-encryption\.org/v1\n-> test arg\n" + pattern + @"--- [A-Za-z0-9+/]{43}\n\z"), header);
        var parsed = AgeHeader.Parse(Encoding.ASCII.GetBytes(header));
        Assert.Equal(stanza.Body, Assert.Single(parsed.Stanzas).Body);
        Assert.Equal(["test", "arg"], parsed.Stanzas[0].Arguments);
    }

    private static string HeaderOf(byte[] file)
    {
        var text = Encoding.Latin1.GetString(file);
        var mac = text.IndexOf("\n--- ", StringComparison.Ordinal);
        return text[..(text.IndexOf('\n', mac + 1) + 1)];
    }
}

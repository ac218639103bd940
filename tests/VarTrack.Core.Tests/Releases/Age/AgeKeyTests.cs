using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

public sealed class AgeKeyTests
{
    // The example pair from the age spec (c2sp.org/age); age-keygen -y agrees.
    private const string SpecIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    private const string SpecRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

    [Fact]
    public void Spec_identity_derives_the_spec_recipient()
    {
        var identity = AgeIdentity.Parse(SpecIdentity);
        Assert.Equal(SpecRecipient, identity.Recipient.ToString());
        Assert.Equal(SpecIdentity, identity.ExportSecretKey());
        Assert.Equal(AgeRecipient.Parse(SpecRecipient), identity.Recipient);
    }

    [Fact]
    public void Recipients_parse_in_either_case_and_print_lowercase()
    {
        Assert.Equal(SpecRecipient, AgeRecipient.Parse(SpecRecipient.ToUpperInvariant()).ToString());
        Assert.Equal(SpecRecipient, AgeRecipient.Parse("  " + SpecRecipient + "\n").ToString());
        Assert.Equal(AgeRecipient.Parse(SpecRecipient).GetHashCode(), AgeRecipient.Parse(SpecRecipient.ToUpperInvariant()).GetHashCode());
    }

    [Fact]
    public void Identities_parse_in_lowercase_too()
    {
        Assert.Equal(SpecRecipient, AgeIdentity.Parse(SpecIdentity.ToLowerInvariant()).Recipient.ToString());
    }

    [Fact]
    public void A_mistyped_recipient_is_a_checksum_error()
    {
        var typo = SpecRecipient[..20] + (SpecRecipient[20] == 'q' ? 'p' : 'q') + SpecRecipient[21..];
        var error = Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(typo));
        Assert.Equal($"invalid age recipient '{typo}': it has a bad bech32 checksum (mistyped or truncated)", error.Message);
        error = Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(SpecRecipient[..^1]));
        Assert.Equal($"invalid age recipient '{SpecRecipient[..^1]}': it has a bad bech32 checksum (mistyped or truncated)", error.Message);
    }

    [Fact]
    public void A_mistyped_identity_is_a_checksum_error_that_does_not_show_the_key()
    {
        var typo = SpecIdentity[..30] + (SpecIdentity[30] == 'Q' ? 'P' : 'Q') + SpecIdentity[31..];
        var error = Assert.Throws<AgeFormatException>(() => AgeIdentity.Parse(typo));
        Assert.Equal("invalid age identity: it has a bad bech32 checksum (mistyped or truncated)", error.Message);
        error = Assert.Throws<AgeFormatException>(() => AgeIdentity.Parse(SpecIdentity[..^3]));
        Assert.Equal("invalid age identity: it has a bad bech32 checksum (mistyped or truncated)", error.Message);
    }

    [Theory]
    [InlineData("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEx", "invalid age identity: it mixes upper and lower case")]
    [InlineData("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEB", "invalid age identity: it has a character that is not in the bech32 alphabet at position 74")]
    [InlineData("AGE-SECRET-KEY-GFPYYSJZ", "invalid age identity: it has no bech32 separator '1' after the prefix")]
    [InlineData("AGE-SECRET-KEY-1GFPY", "invalid age identity: it is too short to hold a bech32 checksum")]
    [InlineData("AGE-SECRET-KEY-1GFPYYSJZ GFPYYSJZ", "invalid age identity: it has a character that is not printable ASCII at position 25")]
    [InlineData(SpecRecipient, "invalid age identity: expected the prefix 'AGE-SECRET-KEY-1' (this is a recipient, the public key; an identity is the secret key)")]
    [InlineData("", "invalid age identity: it has no bech32 separator '1' after the prefix")]
    public void Bad_identities_say_why_without_echoing_the_text(string text, string message)
    {
        var error = Assert.Throws<AgeFormatException>(() => AgeIdentity.Parse(text));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Bad_recipients_say_why()
    {
        Assert.Equal("invalid age recipient 'AGE-SECRET-KEY-1***': this is a secret identity, not a recipient (give the 'age1...' public key)",
            Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(SpecIdentity)).Message);
        Assert.Equal("invalid age recipient 'ssh-ed25519 AAAAC3Nza': SSH public keys are not supported as recipients (give an 'age1...' key)",
            Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse("ssh-ed25519 AAAAC3Nza")).Message);
        Assert.Equal("invalid age recipient 'example': it has no bech32 separator '1' after the prefix",
            Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse("example")).Message);
        var pq = Bech32.Encode("age1pq", new byte[40]);
        Assert.Equal($"invalid age recipient '{pq}': expected the prefix 'age1' (post-quantum, tag and plugin recipients are not supported)",
            Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(pq)).Message);
        var other = Bech32.Encode("npub", new byte[32]);
        Assert.Equal($"invalid age recipient '{other}': expected the prefix 'age1'", Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(other)).Message);
        var shortKey = Bech32.Encode("age", new byte[31]);
        Assert.Equal($"invalid age recipient '{shortKey}': the key is 31 bytes, an X25519 key is 32", Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(shortKey)).Message);
        var zero = Bech32.Encode("age", new byte[32]);
        Assert.Equal($"invalid age recipient '{zero}': it is a low-order curve point, not a usable X25519 public key", Assert.Throws<AgeFormatException>(() => AgeRecipient.Parse(zero)).Message);
    }

    [Fact]
    public void Identity_ToString_shows_the_recipient_never_the_key()
    {
        var identity = AgeIdentity.Parse(SpecIdentity);
        Assert.Equal($"AGE-SECRET-KEY-1*** (recipient {SpecRecipient})", identity.ToString());
        Assert.DoesNotContain("GFPYYSJZ", $"{identity}");
    }

    [Fact]
    public void Generated_identities_are_distinct_and_round_trip()
    {
        var first = AgeIdentity.Generate();
        var second = AgeIdentity.Generate();
        Assert.NotEqual(first.Recipient, second.Recipient);
        Assert.Matches("^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$", first.ExportSecretKey());
        Assert.Matches("^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$", first.Recipient.ToString());
        Assert.Equal(first.Recipient, AgeIdentity.Parse(first.ExportSecretKey()).Recipient);
    }

    [Fact]
    public void Identity_files_skip_comments_and_blank_lines()
    {
        var other = AgeIdentity.Generate();
        var text = $"# created: 2024-01-02T03:04:05Z\r\n# public key: {SpecRecipient}\r\n{SpecIdentity}\r\n\n   \n# second\n  {other.ExportSecretKey()}  \n";
        var identities = AgeIdentity.ParseFile(text);
        Assert.Equal([SpecRecipient, other.Recipient.ToString()], identities.Select(i => i.Recipient.ToString()));
    }

    [Fact]
    public void Identity_file_errors_name_the_line()
    {
        var error = Assert.Throws<AgeFormatException>(() => AgeIdentity.ParseFile($"# key\n\n{SpecIdentity[..^1]}\n"));
        Assert.Equal("age identity file line 3: invalid identity: it has a bad bech32 checksum (mistyped or truncated)", error.Message);
        Assert.Equal(3, error.HeaderLine);
        error = Assert.Throws<AgeFormatException>(() => AgeIdentity.ParseFile("# nothing here\n\n"));
        Assert.Equal("age identity file contains no identity (expected a line 'AGE-SECRET-KEY-1...')", error.Message);
        error = Assert.Throws<AgeFormatException>(() => AgeIdentity.ParseFile("AGE-PLUGIN-YUBIKEY-1QQQQQQ\n"));
        Assert.Equal("age identity file line 1: plugin identities are not supported", error.Message);
    }

    [Fact]
    public void Identity_file_export_has_the_age_keygen_layout()
    {
        var identity = AgeIdentity.Parse(SpecIdentity);
        Assert.Equal($"# created: 2024-01-02T03:04:05Z\n# public key: {SpecRecipient}\n{SpecIdentity}\n",
            identity.ExportIdentityFile(new DateTimeOffset(2024, 1, 2, 4, 4, 5, TimeSpan.FromHours(1))));
    }

    [Theory]
    [InlineData("A12UEL5L", "a", "")]
    [InlineData("a12uel5l", "a", "")]
    [InlineData("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "abcdef", "00443214c74254b635cf84653a56d7c675be77df")]
    public void Bech32_decodes_the_bip173_valid_vectors(string text, string hrp, string hex)
    {
        Assert.True(Bech32.TryDecode(text, out var actualHrp, out var data, out var error), error);
        Assert.Equal(hrp, actualHrp);
        Assert.Equal(hex, Convert.ToHexStringLower(data));
        Assert.Equal(text.ToLowerInvariant(), Bech32.Encode(hrp, data));
    }

    [Theory]
    [InlineData("pzry9x0s0muk", "has no bech32 separator '1' after the prefix")]
    [InlineData("1pzry9x0s0muk", "has no bech32 separator '1' after the prefix")]
    [InlineData("x1b4n0q5v", "has a character that is not in the bech32 alphabet at position 3")]
    [InlineData("li1dgmt3", "is too short to hold a bech32 checksum")]
    [InlineData("A1G7SGD8", "has a bad bech32 checksum (mistyped or truncated)")]
    public void Bech32_refuses_the_bip173_invalid_vectors(string text, string reason)
    {
        Assert.False(Bech32.TryDecode(text, out _, out _, out var error));
        Assert.Equal(reason, error);
    }
}

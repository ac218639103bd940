using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

/// <summary>
/// Vectors from the age testkit (C2SP/CCTV age/testdata, 0BSD/CC0; the same files as FiloSottile/age
/// testdata/testkit): each is a header (or an armored file) plus the expected outcome. The binary payload shared by the
/// x25519 vectors (nonce + one chunk of "age") is kept once as hex.
/// </summary>
public sealed class AgeTestkitTests
{
    private const string Identity = "AGE-SECRET-KEY-1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4QX3S7F6";
    private const string OtherIdentity = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
    private const string Payload = "eecf62c7ce91b433274e68d4f2f9134cb74c5bfef7beaa52c8f0bc0e992c1e8331fb66";
    private const string PayloadSha256 = "013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab";
    private const string X25519Stanza = "-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n";

    private const string Armored =
        "-----BEGIN AGE ENCRYPTED FILE-----\n" +
        "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n" +
        "TnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCkVtRUNBRWNLTituL1ZzOVNiV2lW\n" +
        "K0h1MHIrRThSNzdEZFdZeWQ4M253N1UKLS0tIFZuKzU0anFpaVVDRStXWmNFVlkz\n" +
        "ZjFzcUhqbHUvejFMQ1EvVDdYbTdxSTAK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpS\n" +
        "yPC8DpksHoMx+2Y=\n" +
        "-----END AGE ENCRYPTED FILE-----\n";

    private static byte[] Binary(string header) => [.. Encoding.ASCII.GetBytes(header), .. Convert.FromHexString(Payload)];

    private static byte[] Decrypt(byte[] file, string identity = Identity) =>
        AgeEncryption.Decrypt(file, [AgeIdentity.Parse(identity)]);

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Fact]
    public void X25519_decrypts_to_the_expected_payload()
    {
        var file = Binary("age-encryption.org/v1\n" + X25519Stanza + "--- Vn+54jqiiUCE+WZcEVY3f1sqHjlu/z1LCQ/T7Xm7qI0\n");
        Assert.Equal(PayloadSha256, Sha256(Decrypt(file)));
        Assert.Equal("age"u8.ToArray(), Decrypt(file));
    }

    [Fact]
    public void Identity_of_the_vectors_has_the_recipient_age_keygen_derives()
    {
        // age-keygen -y of the testkit identity
        Assert.Equal("age1w3tyke4gev25vaxxsvcgqu4484rf6ejpmavs57p6yz6lhy2sfs5swrvwyn", AgeIdentity.Parse(Identity).Recipient.ToString());
    }

    [Fact]
    public void Unknown_stanzas_are_ignored_grease()
    {
        var file = Binary("age-encryption.org/v1\n-> grease\n\n" + X25519Stanza + "-> grease\n\n--- 7NLrfbRUZt6qK0pdtARUf59dHwo12ReldjJKjMlbE3I\n");
        Assert.Equal(PayloadSha256, Sha256(Decrypt(file)));
    }

    [Fact]
    public void Stanza_body_of_exactly_48_bytes_ends_with_an_empty_line()
    {
        var file = Binary("age-encryption.org/v1\n" + X25519Stanza +
            "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n\n" +
            "--- +3PC416gxa7Mk7WxpX0kb6DVfSuCun0niGre+G4bZhE\n");
        Assert.Equal(PayloadSha256, Sha256(Decrypt(file)));
    }

    [Theory]
    [InlineData("stanza_base64_padding",
        "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUE=\n--- OtG7IuNHaf2SHZuowmxg/fhbhtz0/DI5g5OGd7WH7S0\n",
        6, "age header line 6: stanza body line has '=' padding, which age base64 does not allow")]
    [InlineData("stanza_not_canonical",
        "-> stanza\nQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\nQUF\n--- nQM2VCzmNLPrUurNWN+SW9wVp/9uTMQ/6CTUM7l8c84\n",
        4, "age header line 4: the stanza body is not canonical base64 (unused bits are set)")]
    [InlineData("stanza_missing_final_line",
        "-> stanza\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- GRjUy1ShNhFoV3cQikdtUZqDeDEZSrbtNXUgDtDbwC8\n",
        6, "age header line 6: the stanza starting at header line 4 has no final body line shorter than 64 characters")]
    [InlineData("stanza_spurious_cr",
        "-> stanza\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n--- MZaFAh8ldzU0F88NJjLx5yd7fnd57XS5COowmgvQtXQ\n",
        5, "age header line 5: carriage return in the stanza body line (age headers use LF line endings only)")]
    public void Malformed_stanzas_are_header_failures(string vector, string extraStanza, int line, string message)
    {
        var file = Binary("age-encryption.org/v1\n" + X25519Stanza + extraStanza);
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(file));
        Assert.Equal(message, error.Message);
        Assert.Equal(line, error.HeaderLine);
        Assert.NotNull(vector);
    }

    [Fact]
    public void Unsupported_version_is_a_header_failure()
    {
        var file = Binary("age-encryption.org/v1234\n" + X25519Stanza + "--- 38AL8Mr4VwmS6CNbM4bc7u3WwGBDqsMTRHOuYJ9ckqs\n");
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(file));
        Assert.Equal("age header line 1: unsupported format version 'v1234'; only v1 is supported", error.Message);
    }

    [Fact]
    public void Non_canonical_hmac_is_a_header_failure()
    {
        var file = Binary("age-encryption.org/v1\n-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\n" +
            "hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE\n--- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNh\n");
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(file, OtherIdentity));
        Assert.Equal("age header line 4: header MAC is not canonical base64 (unused bits are set)", error.Message);
    }

    [Fact]
    public void Low_order_share_is_a_header_failure()
    {
        var file = Binary("age-encryption.org/v1\n-> X25519 X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEdc\n" +
            "3E0NpFans/m0WLWF7+54ZBdNj3iqQqpraGDFiaRkvBA\n--- sXw327YMT1/ULXe+ZyRMbMY0Z2jnWHGgI9j1we6yQ8A\n");
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(file, OtherIdentity));
        Assert.Equal("age header line 2: X25519 stanza ephemeral share is a low-order curve point (the shared secret is all zero)", error.Message);
    }

    [Fact]
    public void Bad_tag_on_the_x25519_body_is_no_match()
    {
        var file = Binary("age-encryption.org/v1\n-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\n" +
            "EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw0o\n--- tG0k9bg4iIuBdMWb13n7FFYDzoBbtsLppNLhbh22aKg\n");
        var error = Assert.Throws<AgeNoMatchingIdentityException>(() => Decrypt(file));
        Assert.StartsWith("no identity matches any recipient", error.Message);
    }

    [Fact]
    public void Armored_file_decrypts()
    {
        Assert.Equal(PayloadSha256, Sha256(Decrypt(Encoding.ASCII.GetBytes(Armored))));
    }

    [Fact]
    public void Armor_allows_crlf_line_endings_whitespace_outside_and_no_final_newline()
    {
        Assert.Equal(PayloadSha256, Sha256(Decrypt(Encoding.ASCII.GetBytes(Armored.Replace("\n", "\r\n")))));
        Assert.Equal(PayloadSha256, Sha256(Decrypt(Encoding.ASCII.GetBytes("\n\n   \t\n" + Armored + "\n   \t\n"))));
        Assert.Equal(PayloadSha256, Sha256(Decrypt(Encoding.ASCII.GetBytes(Armored.TrimEnd('\n')))));
    }

    [Fact]
    public void Armor_with_a_full_last_line_decrypts()
    {
        const string armored =
            "-----BEGIN AGE ENCRYPTED FILE-----\n" +
            "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n" +
            "TnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCkVtRUNBRWNLTituL1ZzOVNiV2lW\n" +
            "K0h1MHIrRThSNzdEZFdZeWQ4M253N1UKLS0tIFZuKzU0anFpaVVDRStXWmNFVlkz\n" +
            "ZjFzcUhqbHUvejFMQ1EvVDdYbTdxSTAK7s9ix86RtDMnTmjU8vkTTLdMW3bj4iHS\n" +
            "YS3WWUtZB5wJqKgEe8kpsp0iOnD2CNG4DVKBC0Z7SAcCFb8xdwV9CRavSEE7OU1c\n" +
            "-----END AGE ENCRYPTED FILE-----\n";
        Assert.Equal("724a112a2cac139a4fca3ea0f799f2e5ccd1d0db46af654dee40567bff16ee33", Sha256(Decrypt(Encoding.ASCII.GetBytes(armored))));
    }

    [Theory]
    [InlineData("armor_not_canonical", "yPC8DpksHoMx+2Y=\n", "yPC8DpksHoMx+2Z=\n", "ascii armor is not canonical base64 (unused bits are set)")]
    [InlineData("armor_no_padding", "yPC8DpksHoMx+2Y=\n", "yPC8DpksHoMx+2Y\n", "ascii armor base64 is not correctly padded with '='")]
    [InlineData("armor_garbage_trailing", "FILE-----\n-----END", "FILE-----\n-----END", "")]
    [InlineData("armor_whitespace_eol", "vqpS\n", "vqpS \n", "whitespace at column 65 inside the ascii armor (line 5)")]
    [InlineData("armor_whitespace_last_line", "+2Y=\n", "+2Y= \n", "whitespace at column 17 inside the ascii armor (line 6)")]
    [InlineData("armor_whitespace_begin", "-----BEGIN AGE ENCRYPTED FILE-----", "----- BEGIN AGE ENCRYPTED FILE -----", "ascii armor must start with '-----BEGIN AGE ENCRYPTED FILE-----' (line 1)")]
    [InlineData("armor_lowercase", "AGE ENCRYPTED", "age ENCRYPTED", "ascii armor must start with '-----BEGIN AGE ENCRYPTED FILE-----' (line 1)")]
    [InlineData("armor_empty_line_begin", "FILE-----\nYWdl", "FILE-----\n\nYWdl", "empty line inside the ascii armor (line 2)")]
    [InlineData("armor_short_line", "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FY\n", "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2\nY3FY\n", "ascii armor line is 60 characters")]
    [InlineData("armor_headers", "FILE-----\nYWdl", "FILE-----\nVersion: 1\n\nYWdl", "character outside the base64 alphabet at column 8 of the ascii armor (line 2)")]
    [InlineData("armor_pgp_checksum", "+2Y=\n", "+2Y=\n=AAAA\n", "ascii armor line is 16 characters")]
    public void Bad_armor_is_refused(string vector, string find, string replace, string message)
    {
        var text = Armored.Replace(find, replace);
        if (vector == "armor_garbage_trailing") text += "garbage\n";
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(Encoding.ASCII.GetBytes(text)));
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), error.Message);
        if (vector == "armor_garbage_trailing")
            Assert.StartsWith("ascii armor must end with '-----END AGE ENCRYPTED FILE-----'", error.Message);
    }

    [Fact]
    public void Garbage_before_the_armor_is_not_an_age_file()
    {
        var error = Assert.Throws<AgeFormatException>(() => Decrypt(Encoding.ASCII.GetBytes("garbage\n" + Armored)));
        Assert.Equal("not an age file: it does not start with 'age-encryption.org/v1'", error.Message);
    }
}

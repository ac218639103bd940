using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

/// <summary>
/// Every change to an encrypted file is refused with an error naming what and where. The 200 KiB file has three
/// full 64 KiB chunks and a final 8 KiB one.
/// </summary>
public sealed class AgeTamperingTests
{
    private const int SealedChunk = 65536 + 16;
    private static readonly AgeIdentity Identity = AgeIdentity.Generate();
    private static readonly byte[] Plaintext = RandomNumberGenerator.GetBytes(200 * 1024);
    private static readonly byte[] File = AgeEncryption.Encrypt(Plaintext, [Identity.Recipient]);
    private static readonly int PayloadOffset = Encoding.Latin1.GetString(File).IndexOf('\n', Encoding.Latin1.GetString(File).IndexOf("\n--- ", StringComparison.Ordinal) + 1) + 1;
    private static readonly int ChunksOffset = PayloadOffset + 16;

    private static AgeException Refused(byte[] file) => Assert.ThrowsAny<AgeException>(() => AgeEncryption.Decrypt(file, [Identity]));

    private static byte[] Flip(int offset, byte mask = 1)
    {
        var copy = (byte[])File.Clone();
        copy[offset] ^= mask;
        return copy;
    }

    [Fact]
    public void Untouched_file_decrypts()
    {
        Assert.Equal(Plaintext, AgeEncryption.Decrypt(File, [Identity]));
    }

    [Fact]
    public void Flipping_any_bit_of_the_header_is_refused()
    {
        for (var offset = 0; offset < PayloadOffset; offset++)
            foreach (var mask in new byte[] { 0x01, 0x20, 0x80 })
                Refused(Flip(offset, mask));
    }

    [Fact]
    public void A_changed_mac_is_a_mac_mismatch_on_its_line()
    {
        var macStart = PayloadOffset - 44; // "--- " + 43 characters + LF
        var file = (byte[])File.Clone();
        file[macStart] = file[macStart] == (byte)'A' ? (byte)'B' : (byte)'A';
        var error = Assert.IsType<AgeFormatException>(Refused(file));
        Assert.Equal("age header line 4: the header MAC does not match (the header was modified or the file is corrupted)", error.Message);
        Assert.Equal(4, error.HeaderLine);
    }

    [Fact]
    public void A_changed_stanza_argument_that_stays_valid_base64_is_no_match()
    {
        var file = (byte[])File.Clone();
        var at = "age-encryption.org/v1\n-> X25519 ".Length;
        file[at] = file[at] == (byte)'A' ? (byte)'B' : (byte)'A';
        Assert.IsType<AgeNoMatchingIdentityException>(Refused(file));
    }

    [Fact]
    public void A_changed_version_line_is_named()
    {
        var file = (byte[])File.Clone();
        file["age-encryption.org/v".Length] = (byte)'2';
        Assert.Equal("age header line 1: unsupported format version 'v2'; only v1 is supported", Refused(file).Message);
        Assert.Equal("not an age file: it does not start with 'age-encryption.org/v1'", Refused(Flip(0, 0x20)).Message);
    }

    [Fact]
    public void A_changed_nonce_fails_the_first_chunk()
    {
        var error = Assert.IsType<AgeFormatException>(Refused(Flip(PayloadOffset + 5)));
        Assert.Equal($"age payload chunk 0 at offset {ChunksOffset} failed authentication: the file is corrupted or truncated, or data was appended to it", error.Message);
        Assert.Equal(ChunksOffset, error.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_changed_byte_in_any_chunk_names_that_chunk(int chunk)
    {
        var chunkOffset = ChunksOffset + chunk * SealedChunk;
        foreach (var inside in new[] { 0, 100, chunk == 3 ? 8192 + 15 : SealedChunk - 1 })
        {
            var error = Assert.IsType<AgeFormatException>(Refused(Flip(chunkOffset + inside)));
            Assert.Equal($"age payload chunk {chunk} at offset {chunkOffset} failed authentication: the file is corrupted or truncated, or data was appended to it", error.Message);
            Assert.Equal(chunkOffset, error.Offset);
        }
    }

    [Fact]
    public void Swapped_chunks_are_refused()
    {
        var file = (byte[])File.Clone();
        File.AsSpan(ChunksOffset, SealedChunk).CopyTo(file.AsSpan(ChunksOffset + SealedChunk));
        File.AsSpan(ChunksOffset + SealedChunk, SealedChunk).CopyTo(file.AsSpan(ChunksOffset));
        Assert.Contains("age payload chunk 0 at offset", Refused(file).Message);
    }

    [Fact]
    public void Truncation_anywhere_is_refused_with_what_is_missing()
    {
        Assert.Equal($"age payload chunk 3 at offset {ChunksOffset + 3 * SealedChunk} failed authentication: the file is corrupted or truncated, or data was appended to it",
            Refused(File[..^1]).Message);
        Assert.Equal($"age payload is truncated: chunk 2 at offset {ChunksOffset + 2 * SealedChunk} is not the final chunk, but the file ends after it",
            Refused(File[..(ChunksOffset + 3 * SealedChunk)]).Message);
        Assert.Equal($"age payload is truncated: chunk 3 at offset {ChunksOffset + 3 * SealedChunk} has 10 bytes, less than its 16-byte authentication tag",
            Refused(File[..(ChunksOffset + 3 * SealedChunk + 10)]).Message);
        Assert.Equal($"age payload is truncated: no chunk follows the payload nonce (offset {ChunksOffset})", Refused(File[..ChunksOffset]).Message);
        Assert.Equal($"age payload is truncated: the file ends 7 bytes into the 16-byte payload nonce (offset {PayloadOffset})",
            Refused(File[..(PayloadOffset + 7)]).Message);
        Assert.Equal("age header line 4: the file ends inside the header (truncated before the MAC line)", Refused(File[..(PayloadOffset - 48)]).Message);
        Assert.Equal("age header line 4: the line has no line feed (the header is truncated or not an age header)", Refused(File[..(PayloadOffset - 1)]).Message);
        Assert.Equal("not an age file: it does not start with 'age-encryption.org/v1'", Refused([]).Message);
    }

    [Fact]
    public void Appended_data_is_refused()
    {
        Assert.Contains("data was appended", Refused([.. File, 0]).Message);
        Assert.Contains("data was appended", Refused([.. File, .. File]).Message);
    }

    [Fact]
    public void Data_appended_after_a_full_final_chunk_is_named_trailing_data()
    {
        var file = AgeEncryption.Encrypt(new byte[65536], [Identity.Recipient]);
        var payload = file.Length - SealedChunk;
        var error = Refused([.. file, 1, 2, 3]);
        Assert.Equal($"age payload has 3 bytes of trailing data after its final chunk (offset {payload + SealedChunk})", error.Message);
    }

    [Fact]
    public void An_empty_final_chunk_after_data_is_refused()
    {
        var file = AgeFileBuilder.Build(Identity.Recipient, (new byte[65536], false), ([], true));
        var error = Refused(file);
        Assert.Matches(@"^age payload chunk 1 at offset \d+ is an empty final chunk; only an empty file may end with an empty chunk$", error.Message);
    }

    [Fact]
    public void An_empty_file_is_one_empty_final_chunk()
    {
        Assert.Empty(AgeEncryption.Decrypt(AgeFileBuilder.Build(Identity.Recipient, ([], true)), [Identity]));
    }

    [Fact]
    public void A_stream_without_a_final_chunk_is_refused()
    {
        var file = AgeFileBuilder.Build(Identity.Recipient, ("abc"u8.ToArray(), false));
        Assert.Contains("age payload chunk 0 at offset", Refused(file).Message);
        var full = AgeFileBuilder.Build(Identity.Recipient, (new byte[65536], false));
        Assert.Contains("chunk 0 at offset", Refused(full).Message);
        Assert.Contains("is not the final chunk, but the file ends after it", Refused(full).Message);
    }

    [Fact]
    public void A_short_chunk_before_the_final_one_or_a_second_final_chunk_is_refused()
    {
        Refused(AgeFileBuilder.Build(Identity.Recipient, ("short"u8.ToArray(), false), ("end"u8.ToArray(), true)));
        // A full chunk marked final and followed by more data: the first final chunk ends the file, the rest is extra.
        var twoFinal = AgeFileBuilder.Build(Identity.Recipient, (new byte[65536], true), ("end"u8.ToArray(), true));
        Assert.Matches(@"^age payload has 19 bytes of trailing data after its final chunk \(offset \d+\)$", Refused(twoFinal).Message);
    }

    [Fact]
    public void A_chunked_file_built_by_hand_decrypts()
    {
        var file = AgeFileBuilder.Build(Identity.Recipient, (new byte[65536], false), ("end"u8.ToArray(), true));
        Assert.Equal(65539, AgeEncryption.Decrypt(file, [Identity]).Length);
    }

    [Theory]
    [InlineData("age-encryption.org/v1\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "the header has no recipient stanza before the MAC line")]
    [InlineData("age-encryption.org/v1\n-> X25519\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "X25519 stanza must have exactly one argument after 'X25519' (the ephemeral share), it has 0")]
    [InlineData("age-encryption.org/v1\n->\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "a recipient stanza line must start with '-> ' followed by its arguments")]
    [InlineData("age-encryption.org/v1\n-> \n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "the recipient stanza has no arguments")]
    [InlineData("age-encryption.org/v1\n-> a  b\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "the recipient stanza has an empty argument (a leading, trailing or double space)")]
    [InlineData("age-encryption.org/v1\n-> a\u00e9\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "a stanza argument contains a character that is not printable ASCII")]
    [InlineData("age-encryption.org/v1\n-> a\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 3, "stanza body line is 68 characters, longer than 64")]
    [InlineData("age-encryption.org/v1\n-> a\nAA!A\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 3, "stanza body line has a character outside the base64 alphabet at column 3")]
    [InlineData("age-encryption.org/v1\n-> a\n\n-- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 4, "expected a recipient stanza ('-> ...') or the header MAC line ('--- ...')")]
    [InlineData("age-encryption.org/v1\n-> a\n\n---AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 4, "the MAC line must be '--- ' followed by the base64 header MAC")]
    [InlineData("age-encryption.org/v1\n-> a\n\n---  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 4, "header MAC has a space at column 5")]
    [InlineData("age-encryption.org/v1\n-> a\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 4, "header MAC is 31 bytes, expected 32")]
    [InlineData("age-encryption.org/v1\n-> a\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 4, "header MAC has '=' padding, which age base64 does not allow")]
    [InlineData("age-encryption.org/v1\r\n-> a\n\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 1, "carriage return after the version line (age headers use LF line endings only)")]
    [InlineData("age-encryption.org/v1\n-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "X25519 stanza ephemeral share is 31 bytes, expected 32")]
    [InlineData("age-encryption.org/v1\n-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "X25519 stanza body is 3 bytes, expected 32")]
    [InlineData("age-encryption.org/v1\n-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "X25519 stanza ephemeral share has '=' padding, which age base64 does not allow")]
    [InlineData("age-encryption.org/v1\n-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\nAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2, "X25519 stanza ephemeral share is not canonical base64 (unused bits are set)")]
    public void Malformed_headers_name_the_line_and_the_problem(string header, int line, string problem)
    {
        var error = Assert.IsType<AgeFormatException>(Refused([.. Encoding.UTF8.GetBytes(header), .. new byte[40]]));
        Assert.Equal($"age header line {line}: {problem}", error.Message);
        Assert.Equal(line, error.HeaderLine);
        Assert.NotNull(error.Offset);
    }

    [Fact]
    public void Every_truncation_of_a_small_file_is_refused_with_an_age_error()
    {
        var small = AgeEncryption.Encrypt("a small file"u8, [Identity.Recipient]);
        var armored = AgeEncryption.Encrypt("a small file"u8, [Identity.Recipient], armor: true);
        for (var length = 0; length < small.Length; length++)
            Refused(small[..length]);
        // Cutting only trailing whitespace off armor leaves a valid file; every other cut is refused.
        for (var length = 0; length < armored.Length - 1; length++)
            Refused(armored[..length]);
    }

    [Fact]
    public void Armor_without_data_is_refused()
    {
        var error = Refused("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n"u8.ToArray());
        Assert.Equal("ascii armor contains no data (line 2)", error.Message);
    }
}

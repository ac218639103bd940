using Org.BouncyCastle.Crypto.Digests;
using VarTrack.Core.Etl;
using VarTrack.Core.Planning;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Planning;

public sealed class ContentHashTests
{
    private static string Blake3(byte[] input, params int[] splits)
    {
        var digest = new Blake3Digest(256);
        var at = 0;
        foreach (var split in splits.Append(input.Length))
        {
            digest.BlockUpdate(input, at, split - at);
            at = split;
        }
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }

    private static string Hash(params (string Key, string? Value)[] entries) =>
        ContentHash.Compute(entries.ToDictionary(e => e.Key, e => FlatValue.From(e.Value), StringComparer.Ordinal));

    [Fact]
    public void BouncyCastle_Blake3_256_of_empty_input_is_the_published_answer()
    {
        Assert.Equal("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", Blake3([]));
    }

    [Fact]
    public void BouncyCastle_Blake3_256_of_one_zero_byte_is_the_published_answer()
    {
        // BLAKE3 test vector, input_len 1 (input bytes are i % 251).
        Assert.Equal("2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213", Blake3([0]));
    }

    [Fact]
    public void BouncyCastle_Blake3_gives_the_same_digest_however_the_input_is_split()
    {
        var input = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();
        Assert.Equal(Blake3(input), Blake3(input, 1, 64, 1023, 1024, 1025, 2048, 4097));
    }

    [Fact]
    public void An_empty_map_hashes_the_empty_input()
    {
        Assert.Equal("blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", Hash());
        Assert.StartsWith(ContentHash.Prefix, Hash(("a", "b")));
    }

    [Fact]
    public void The_canonical_encoding_is_stable()
    {
        // key: 0x01 + int32 LE length + UTF-8; value: 0x02 + int32 LE length + UTF-8, or 0x00 for null; keys sorted ordinally.
        byte[] expected =
        [
            1, 1, 0, 0, 0, (byte)'a', 2, 2, 0, 0, 0, 0xC3, 0xA9,
            1, 1, 0, 0, 0, (byte)'b', 0,
        ];
        Assert.Equal("blake3:" + Blake3(expected), Hash(("b", null), ("a", "é")));
    }

    [Fact]
    public void The_hash_does_not_depend_on_key_order()
    {
        Assert.Equal(Hash(("a", "1"), ("b", "2"), ("c", "3")), Hash(("c", "3"), ("a", "1"), ("b", "2")));
    }

    [Fact]
    public void Keys_are_sorted_ordinally_not_by_culture()
    {
        Assert.Equal(Hash(("B", "1"), ("a", "2")), Hash(("a", "2"), ("B", "1")));
    }

    [Fact]
    public void Null_differs_from_empty_string()
    {
        Assert.NotEqual(Hash(("a", null)), Hash(("a", "")));
    }

    [Theory]
    [InlineData("ab", "c", "a", "bc")]
    [InlineData("a", "", "", "a")]
    [InlineData("a", "b", "a", "b ")]
    [InlineData("a", "B", "a", "b")]
    public void Different_splits_of_the_same_bytes_differ(string key1, string value1, string key2, string value2)
    {
        Assert.NotEqual(Hash((key1, value1)), Hash((key2, value2)));
    }

    [Fact]
    public void Key_and_value_boundaries_cannot_be_shifted_between_entries()
    {
        Assert.NotEqual(Hash(("a", "b"), ("c", "d")), Hash(("a", "bc"), ("d", null)));
        Assert.NotEqual(Hash(("a", "b")), Hash(("a", "b"), ("", "")));
        Assert.NotEqual(Hash(("a", null)), Hash());
    }

    [Fact]
    public void Secrets_are_hashed_by_value()
    {
        var plain = ContentHash.Compute(new Dictionary<string, FlatValue> { ["pw"] = FlatValue.Text("s3cr3t-VALUE-xyz") });
        var secret = ContentHash.Compute(new Dictionary<string, FlatValue> { ["pw"] = FlatValue.Secret(new SecretValue("s3cr3t-VALUE-xyz")) });
        var rotated = ContentHash.Compute(new Dictionary<string, FlatValue> { ["pw"] = FlatValue.Secret(new SecretValue("rotated")) });
        Assert.Equal(plain, secret);
        Assert.NotEqual(secret, rotated);
        Assert.DoesNotContain("s3cr3t", secret);
    }

    [Fact]
    public void Long_values_beyond_the_pooled_buffer_are_hashed_fully()
    {
        var longValue = new string('x', 10_000);
        Assert.NotEqual(Hash(("a", longValue)), Hash(("a", longValue[..^1] + "y")));
        Assert.Equal(Hash(("a", longValue), ("b", "1")), Hash(("b", "1"), ("a", longValue)));
    }

    [Fact]
    public void The_hash_is_deterministic()
    {
        var values = Enumerable.Range(0, 1000).Select(i => ($"key.{i}", (string?)$"value {i}")).ToArray();
        Assert.Equal(Hash(values), Hash(values.Reverse().ToArray()));
        Assert.Matches("^blake3:[0-9a-f]{64}$", Hash(values));
    }
}

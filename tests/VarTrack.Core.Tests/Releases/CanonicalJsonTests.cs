using System.Text.Json.Nodes;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Keys_are_sorted_at_every_level_with_two_space_indentation_LF_and_one_trailing_newline()
    {
        var node = JsonNode.Parse("""{"b": 1, "a": {"z": [true, null, "x"], "c": 1.50}, "A": "é+<&>"}""")!;

        var text = Utf8(CanonicalJson.Serialize(node));

        Assert.Equal("{\n  \"A\": \"é+<&>\",\n  \"a\": {\n    \"c\": 1.50,\n    \"z\": [\n      true,\n      null,\n      \"x\"\n    ]\n  },\n  \"b\": 1\n}\n", text);
    }

    [Fact]
    public void Control_characters_quotes_and_backslashes_are_escaped_as_JSON_requires()
    {
        var text = Utf8(CanonicalJson.Serialize(new JsonObject { ["k"] = "a\"b\\c\nd\u0001" }));

        Assert.Equal("{\n  \"k\": \"a\\\"b\\\\c\\nd\\u0001\"\n}\n", text);
    }

    [Fact]
    public void The_canonical_form_is_canonical_and_any_other_form_of_the_same_value_is_not()
    {
        var canonical = CanonicalJson.Serialize(JsonNode.Parse("""{"b": 1, "a": 2}""")!);

        Assert.True(CanonicalJson.IsCanonical(canonical));
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\n  \"b\": 1,\n  \"a\": 2\n}\n")));       // keys out of order
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\"a\":2,\"b\":1}\n")));                   // compact
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\n  \"a\": 2,\n  \"b\": 1\n}")));          // no trailing newline
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\r\n  \"a\": 2,\r\n  \"b\": 1\r\n}\r\n"))); // CRLF
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\n    \"a\": 2,\n    \"b\": 1\n}\n")));    // four spaces
        Assert.False(CanonicalJson.IsCanonical(Bytes("{\n  \"a\": 2,\n  \"a\": 2,\n  \"b\": 1\n}\n"))); // duplicate key
        Assert.False(CanonicalJson.IsCanonical(Bytes("not json")));
    }

    [Fact]
    public void Parsing_a_malformed_record_names_the_path_and_line()
    {
        var error = Assert.Throws<VarTrackException>(() => CanonicalJson.ParseObject(Bytes("{\n  \"a\": 1,\n  oops\n}\n"), "projects/p/releases/1.json"));

        Assert.Equal("projects/p/releases/1.json: not valid JSON (line 3, byte 3)", error.Problems[0].ToString());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public void A_record_must_be_an_object(string json)
    {
        var error = Assert.Throws<VarTrackException>(() => CanonicalJson.ParseObject(Bytes(json), "x.json"));

        Assert.Equal("x.json: a record must be a JSON object", error.Problems[0].ToString());
    }

    [Fact]
    public void A_key_written_twice_is_an_error()
    {
        var error = Assert.Throws<VarTrackException>(() => CanonicalJson.ParseObject(Bytes("""{"a": 1, "a": 2}"""), "x.json"));

        Assert.Equal("x.json: not valid JSON: a key is written twice", error.Problems[0].ToString());
    }
}

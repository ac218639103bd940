using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class JsonFormatParserTests
{
    private const string FileName = "config/app.json";

    private static ConfigNode Parse(string json) => new JsonFormatParser().Parse(SourceText.FromString(FileName, json));

    private static ConfigMap ParseMap(string json) => Assert.IsType<ConfigMap>(Parse(json));

    private static ConfigScalar Scalar(ConfigNode? node) => Assert.IsType<ConfigScalar>(node);

    private static Problem Fails(string json, string position, string message)
    {
        var error = Assert.Throws<VarTrackException>(() => Parse(json));
        var problem = Assert.Single(error.Problems);
        Assert.Equal(FileName, problem.File);
        Assert.Equal(position, problem.Position.ToString());
        Assert.Equal(message, problem.Message);
        Assert.Equal($"{FileName}:{position}: {message}", error.Message);
        return problem;
    }

    [Fact]
    public void Format_is_json() => Assert.Equal(ConfigFormat.Json, new JsonFormatParser().Format);

    [Theory]
    [InlineData("1.50")]
    [InlineData("1e3")]
    [InlineData("1E+3")]
    [InlineData("-1.5e-10")]
    [InlineData("12345678901234567890123")]
    [InlineData("0.10000000000000000000000001")]
    [InlineData("-0")]
    [InlineData("0")]
    public void Numbers_keep_their_raw_text(string number)
    {
        var value = Scalar(ParseMap($"{{\"n\": {number}}}")["n"]);
        Assert.Equal(number, value.Text);
        Assert.Equal(ScalarKind.Number, value.Kind);
    }

    [Fact]
    public void Booleans_null_and_empty_string_are_distinct()
    {
        var map = ParseMap("""{"t": true, "f": false, "n": null, "e": "", "s": "null"}""");

        Assert.Equal(("true", ScalarKind.Boolean), (Scalar(map["t"]).Text, Scalar(map["t"]).Kind));
        Assert.Equal(("false", ScalarKind.Boolean), (Scalar(map["f"]).Text, Scalar(map["f"]).Kind));
        Assert.True(Scalar(map["n"]).IsNull);
        Assert.Null(Scalar(map["n"]).Text);
        Assert.Equal(ScalarKind.Null, Scalar(map["n"]).Kind);
        Assert.False(Scalar(map["e"]).IsNull);
        Assert.Equal("", Scalar(map["e"]).Text);
        Assert.Equal(ScalarKind.String, Scalar(map["e"]).Kind);
        Assert.Equal(("null", ScalarKind.String), (Scalar(map["s"]).Text, Scalar(map["s"]).Kind));
    }

    [Fact]
    public void Strings_are_unescaped()
    {
        var map = ParseMap("""{"s": "q\"b\\s\/n\nt\tu\u00e9e\ud83d\ude00", "k\u0041y": 1}""");

        Assert.Equal("q\"b\\s/n\nt\tuée😀", Scalar(map["s"]).Text);
        Assert.Equal(ScalarKind.String, Scalar(map["s"]).Kind);
        Assert.NotNull(map["kAy"]);
    }

    [Fact]
    public void Nested_objects_and_lists_keep_order_and_structure()
    {
        var map = ParseMap("""
            {
              "z": {"b": {"c": [1, "two", [3, {"four": 4}], {}, []]}},
              "a": []
            }
            """);

        Assert.Equal(["z", "a"], map.Entries.Select(e => e.Key));
        var b = Assert.IsType<ConfigMap>(Assert.IsType<ConfigMap>(map["z"])["b"]);
        var list = Assert.IsType<ConfigList>(b["c"]);
        Assert.Equal(5, list.Items.Count);
        Assert.Equal("1", Scalar(list.Items[0]).Text);
        Assert.Equal("two", Scalar(list.Items[1]).Text);
        var inner = Assert.IsType<ConfigList>(list.Items[2]);
        Assert.Equal("3", Scalar(inner.Items[0]).Text);
        Assert.Equal("4", Scalar(Assert.IsType<ConfigMap>(inner.Items[1])["four"]).Text);
        Assert.Equal(0, Assert.IsType<ConfigMap>(list.Items[3]).Count);
        Assert.Empty(Assert.IsType<ConfigList>(list.Items[4]).Items);
        Assert.Empty(Assert.IsType<ConfigList>(map["a"]).Items);
    }

    [Fact]
    public void Unicode_keys_and_values_are_read_and_columns_count_characters_not_bytes()
    {
        // "ключ" is 4 characters but 8 bytes; "😀" is 2 UTF-16 characters and 4 bytes.
        var map = ParseMap("{\"ключ\": \"значение\", \"😀\": \"é\", \"x\": 1}");

        Assert.Equal("значение", Scalar(map["ключ"]).Text);
        Assert.Equal("é", Scalar(map["😀"]).Text);
        Assert.True(map.TryGetEntry("x", out var x));
        Assert.Equal(new SourcePosition(1, 33), x.KeyPosition);
        Assert.Equal(new SourcePosition(1, 38), x.Value.Position);
    }

    [Fact]
    public void Positions_of_keys_and_values_are_one_based_line_and_column()
    {
        var map = ParseMap("{\r\n  \"name\": \"api\",\r\n  \"db\": {\r\n    \"port\": 5432,\r\n    \"hosts\": [\"a\", null]\r\n  }\r\n}\r\n");

        Assert.Equal(new SourcePosition(1, 1), map.Position);
        Assert.True(map.TryGetEntry("name", out var name));
        Assert.Equal(new SourcePosition(2, 3), name.KeyPosition);
        Assert.Equal(new SourcePosition(2, 11), name.Value.Position);
        Assert.True(map.TryGetEntry("db", out var db));
        Assert.Equal(new SourcePosition(3, 3), db.KeyPosition);
        Assert.Equal(new SourcePosition(3, 9), db.Value.Position);
        var dbMap = Assert.IsType<ConfigMap>(db.Value);
        Assert.True(dbMap.TryGetEntry("port", out var port));
        Assert.Equal(new SourcePosition(4, 5), port.KeyPosition);
        Assert.Equal(new SourcePosition(4, 13), port.Value.Position);
        var hosts = Assert.IsType<ConfigList>(dbMap["hosts"]);
        Assert.Equal(new SourcePosition(5, 14), hosts.Position);
        Assert.Equal(new SourcePosition(5, 15), hosts.Items[0].Position);
        Assert.Equal(new SourcePosition(5, 20), hosts.Items[1].Position);
    }

    [Fact]
    public void Positions_on_one_long_line_stay_exact()
    {
        var json = "{" + string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"\"kéy{i}\": {i}")) + "}";
        var map = ParseMap(json);

        Assert.True(map.TryGetEntry("kéy999", out var last));
        var expectedColumn = json.IndexOf("\"kéy999\"", StringComparison.Ordinal) + 1;
        Assert.Equal(new SourcePosition(1, expectedColumn), last.KeyPosition);
    }

    [Fact]
    public void A_root_array_or_scalar_is_returned_as_is()
    {
        var list = Assert.IsType<ConfigList>(Parse("[1, 2]"));
        Assert.Equal(2, list.Items.Count);
        Assert.Equal("42", Scalar(Parse("42")).Text);
        Assert.Equal("text", Scalar(Parse("\"text\"")).Text);
        Assert.True(Scalar(Parse("null")).IsNull);
    }

    [Fact]
    public void Whitespace_and_a_trailing_newline_around_the_document_are_allowed()
    {
        var map = ParseMap(" \t\n{\"a\": 1}\n\n");
        Assert.Equal("1", Scalar(map["a"]).Text);
        Assert.Equal(new SourcePosition(2, 1), map.Position);
    }

    [Fact]
    public void Duplicate_key_names_the_key_and_both_positions()
    {
        Fails("{\n  \"db\": 1,\n  \"x\": 2,\n  \"db\": 3\n}", "4:3", "duplicate key 'db' (first defined at 2:3)");
    }

    [Fact]
    public void Duplicate_key_in_a_nested_object_is_found()
    {
        Fails("""{"a": {"b": 1, "b": {"c": 2}}}""", "1:16", "duplicate key 'b' (first defined at 1:8)");
    }

    [Fact]
    public void Keys_differing_only_in_escapes_are_duplicates()
    {
        Fails("""{"ab": 1, "a\u0062": 2}""", "1:11", "duplicate key 'ab' (first defined at 1:2)");
    }

    [Fact]
    public void Truncated_object_reports_the_unclosed_object()
    {
        Fails("{\"a\": 1", "1:8", "unexpected end of input, object opened at 1:1 is not closed");
    }

    [Fact]
    public void Truncated_array_reports_the_innermost_unclosed_container()
    {
        Fails("{\"a\": [1,\n  2,", "2:5", "unexpected end of input, array opened at 1:7 is not closed");
    }

    [Fact]
    public void Truncated_string_is_an_error()
    {
        Fails("{\"a\": \"abc", "1:11", "unexpected end of input, object opened at 1:1 is not closed");
    }

    [Fact]
    public void Truncated_after_a_key_is_an_error()
    {
        Fails("{\"a\":\n", "2:1", "unexpected end of input, object opened at 1:1 is not closed");
    }

    [Theory]
    [InlineData("{\"a\": 1,", "1:9")]
    [InlineData("{\"a\": 1.", "1:9")]
    [InlineData("{\"a\"", "1:5")]
    [InlineData("{\"a\": tr", "1:9")]
    [InlineData("{", "1:2")]
    public void Truncation_anywhere_is_reported_at_the_end_of_input(string json, string position)
    {
        Fails(json, position, "unexpected end of input, object opened at 1:1 is not closed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Empty_document_is_an_error(string json)
    {
        var error = Assert.Throws<VarTrackException>(() => Parse(json));
        Assert.Equal("empty document, expected a JSON value", Assert.Single(error.Problems).Message);
        Assert.Equal(FileName, error.Problems[0].File);
        Assert.True(error.Problems[0].Position.IsKnown);
    }

    [Fact]
    public void Bad_literal_is_reported_without_echoing_the_rest_of_the_file()
    {
        var problem = Fails("{\"a\": tru, \"password\": \"hunter2\"}", "1:7", "invalid literal, expected 'true'");
        Assert.DoesNotContain("hunter2", problem.ToString());
    }

    [Fact]
    public void Bad_token_is_reported_at_its_position()
    {
        Fails("{\"a\":\n  [1,\n   2,\n   @]}", "4:4", "'@' is an invalid start of a value");
    }

    [Fact]
    public void Bad_token_column_counts_characters_after_multibyte_text()
    {
        Fails("{\"é\": 1 2}", "1:9", "'2' is invalid after a value. Expected either ',', '}', or ']'");
    }

    [Fact]
    public void Trailing_comma_in_object_is_rejected()
    {
        Fails("{\"a\": 1,}", "1:9", "the JSON object contains a trailing comma at the end");
    }

    [Fact]
    public void Trailing_comma_in_array_is_rejected()
    {
        Fails("[1, 2,]", "1:7", "the JSON array contains a trailing comma at the end");
    }

    [Theory]
    [InlineData("{/* c */ \"a\": 1}", "1:2")]
    [InlineData("{\"a\": 1} // c", "1:10")]
    public void Comments_are_rejected(string json, string position)
    {
        var error = Assert.Throws<VarTrackException>(() => Parse(json));
        Assert.Equal(position, Assert.Single(error.Problems).Position.ToString());
        Assert.Contains("'/'", error.Problems[0].Message);
    }

    [Fact]
    public void Single_quoted_key_is_rejected()
    {
        Fails("{'a': 1}", "1:2", "''' is an invalid start of a property name. Expected a '\"'");
    }

    [Fact]
    public void Content_after_the_document_is_rejected()
    {
        Fails("{\"a\": 1}\n}", "2:1", "'}' is invalid after a single JSON value. Expected end of data");
    }

    [Fact]
    public void Leading_zero_is_rejected()
    {
        Fails("{\"a\": 0755}", "1:8", "invalid leading zero before '7'");
    }

    [Fact]
    public void Raw_newline_in_string_is_rejected()
    {
        Fails("{\"a\": \"x\ny\"}", "1:9", "'0x0A' is invalid within a JSON string. The string should be correctly escaped");
    }

    [Fact]
    public void Invalid_escape_is_rejected()
    {
        Fails("{\"a\": \"\\q\"}", "1:9", "'q' is an invalid escapable character within a JSON string. The string should be correctly escaped");
    }

    [Fact]
    public void Lone_surrogate_escape_is_rejected_at_the_string()
    {
        var problem = Fails("{\n \"a\": \"\\uD800\"}", "2:7",
            "invalid string: cannot read incomplete UTF-16 JSON text as string with missing low surrogate");
        Assert.StartsWith("invalid string", problem.Message);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var depth = JsonFormatParser.MaxNestingDepth;
        var node = Parse(new string('[', depth) + new string(']', depth));
        for (var i = 1; i < depth; i++)
            node = Assert.Single(Assert.IsType<ConfigList>(node).Items);
        Assert.Empty(Assert.IsType<ConfigList>(node).Items);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_an_error_at_the_first_container_too_deep()
    {
        var json = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 300)) + "}";
        // The object is level 1, so the 256th '[' is level 257: column 5 + 256.
        Fails(json, "1:261", "nesting deeper than 256");
    }

    [Fact]
    public void Error_message_names_the_file()
    {
        var error = Assert.Throws<VarTrackException>(() => new JsonFormatParser().Parse(SourceText.FromString("deploy/prod.json", "{\"a\" 1}")));
        Assert.StartsWith("deploy/prod.json:1:6: ", error.Message);
    }

    [Fact]
    public void Reads_from_the_utf8_bytes_of_the_source()
    {
        // Parsers that read bytes must use SourceText.Utf8, not re-encode Text.
        var text = "{\"a\": \"é\"}";
        var source = new SourceText(FileName, text, Encoding.UTF8.GetBytes(text));
        Assert.Equal("é", Scalar(Assert.IsType<ConfigMap>(new JsonFormatParser().Parse(source))["a"]).Text);
    }

    [Fact]
    public void A_generated_document_with_100k_keys_parses()
    {
        var json = new StringBuilder("{\n");
        for (var i = 0; i < 100_000; i++)
        {
            if (i > 0) json.Append(",\n");
            json.Append("  \"service").Append(i).Append("\": {\"url\": \"https://host-").Append(i)
                .Append(".example.com/päth\", \"port\": ").Append(i).Append(".50, \"on\": true}");
        }
        json.Append("\n}\n");

        var map = ParseMap(json.ToString());

        Assert.Equal(100_000, map.Count);
        Assert.True(map.TryGetEntry("service99999", out var last));
        Assert.Equal(new SourcePosition(100_001, 3), last.KeyPosition);
        var service = Assert.IsType<ConfigMap>(last.Value);
        Assert.Equal("99999.50", Scalar(service["port"]).Text);
        Assert.Equal("https://host-99999.example.com/päth", Scalar(service["url"]).Text);
    }
}

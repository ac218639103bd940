using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class DotEnvFormatParserTests
{
    private const string File = "config/app.env";

    private static ConfigMap Parse(string text) => ParserAssert.ParsesToMap(new DotEnvFormatParser(), File, text);

    private static ConfigScalar Scalar(ConfigMap map, string key) => Assert.IsType<ConfigScalar>(map[key]);

    private static string? Value(string text, string key = "KEY") => Scalar(Parse(text), key).Text;

    private static Problem Fails(string text, int line, int column) =>
        ParserAssert.FailsAt(new DotEnvFormatParser(), File, text, line, column);

    [Fact]
    public void Format_is_dotenv() => Assert.Equal(ConfigFormat.DotEnv, new DotEnvFormatParser().Format);

    [Fact]
    public void Reads_keys_in_order_as_strings_with_positions()
    {
        var map = Parse("A=1\nB=two\n  C = 0755\n");
        Assert.Equal(["A", "B", "C"], map.Entries.Select(e => e.Key));
        Assert.Equal("1", Scalar(map, "A").Text);
        Assert.Equal("two", Scalar(map, "B").Text);
        Assert.Equal("0755", Scalar(map, "C").Text);
        Assert.All(map.Entries, e => Assert.Equal(ScalarKind.String, ((ConfigScalar)e.Value).Kind));
        Assert.Equal(new SourcePosition(3, 3), map.Entries[2].KeyPosition);
        Assert.Equal(new SourcePosition(3, 7), map.Entries[2].Value.Position);
    }

    [Fact]
    public void Empty_file_and_only_comments_give_an_empty_map()
    {
        Assert.Equal(0, Parse("").Count);
        Assert.Equal(0, Parse("\n\n   \n# comment\n  # indented comment\r\n").Count);
    }

    [Fact]
    public void Export_prefix_is_dropped()
    {
        var map = Parse("export A=1\nexport\tB=2\nexport   C = 3\n");
        Assert.Equal(["A", "B", "C"], map.Entries.Select(e => e.Key));
        Assert.Equal("3", Scalar(map, "C").Text);
        Assert.Equal(new SourcePosition(1, 8), map.Entries[0].KeyPosition);
    }

    [Fact]
    public void A_key_named_export_is_still_a_key()
    {
        Assert.Equal("1", Value("export=1", "export"));
        Assert.Equal("2", Value("export = 2", "export"));
        Assert.Equal("3", Value("exporter=3", "exporter"));
    }

    [Fact]
    public void Whitespace_around_equals_and_value_is_trimmed()
    {
        Assert.Equal("hello world", Value("KEY \t=\t  hello world  \t"));
        Assert.Equal("v", Value("KEY=v\r\n"));
    }

    [Fact]
    public void Empty_value_is_an_empty_string_not_null()
    {
        var map = Parse("A=\nB=   \nC=\"\"\nD=''\nE= # just a comment\n");
        foreach (var key in new[] { "A", "B", "C", "D", "E" })
        {
            Assert.Equal("", Scalar(map, key).Text);
            Assert.Equal(ScalarKind.String, Scalar(map, key).Kind);
        }
        Assert.Equal("", Value("KEY="));
    }

    [Fact]
    public void Inline_comment_needs_whitespace_before_the_hash()
    {
        Assert.Equal("b", Value("KEY=b #comment"));
        Assert.Equal("b", Value("KEY=b\t# comment"));
        Assert.Equal("b#c", Value("KEY=b#c"));
        Assert.Equal("#c", Value("KEY=#c"));
        Assert.Equal("a#b", Value("KEY=a#b # trailing"));
        Assert.Equal("x y", Value("KEY=x y # z"));
    }

    [Fact]
    public void Unquoted_values_keep_dollar_quotes_and_text_as_written()
    {
        Assert.Equal("${HOME}/bin", Value("KEY=${HOME}/bin"));
        Assert.Equal("$OTHER", Value("KEY=$OTHER"));
        Assert.Equal("it's \"fine\"", Value("KEY=it's \"fine\""));
        Assert.Equal("a=b=c", Value("KEY=a=b=c"));
        Assert.Equal("1e3", Value("KEY=1e3"));
        Assert.Equal(@"C:\path\n", Value(@"KEY=C:\path\n"));
    }

    [Fact]
    public void Single_quotes_are_literal()
    {
        Assert.Equal(@"a \n $HOME ${X} # not a comment \""", Value(@"KEY='a \n $HOME ${X} # not a comment \""'"));
        Assert.Equal("  spaced  ", Value("KEY='  spaced  '"));
    }

    [Fact]
    public void Single_quotes_may_span_lines()
    {
        var map = Parse("KEY='line1\nline2'\nNEXT=1");
        Assert.Equal("line1\nline2", Scalar(map, "KEY").Text);
        Assert.Equal("1", Scalar(map, "NEXT").Text);
        Assert.Equal(new SourcePosition(1, 5), Scalar(map, "KEY").Position);
    }

    [Fact]
    public void Double_quotes_decode_the_documented_escapes()
    {
        Assert.Equal("a\nb\rc\td\\e\"f$g", Value(@"KEY=""a\nb\rc\td\\e\""f\$g"""));
    }

    [Fact]
    public void Double_quotes_keep_unknown_escapes_as_written()
    {
        Assert.Equal(@"\q\'\x41\u0041", Value(@"KEY=""\q\'\x41\u0041"""));
        Assert.Equal(@"C:\Users\me", Value(@"KEY=""C:\Users\me"""));
    }

    [Fact]
    public void Double_quotes_keep_dollar_hash_and_single_quotes()
    {
        Assert.Equal("${DB_HOST}:$PORT # not a comment 'x'", Value("KEY=\"${DB_HOST}:$PORT # not a comment 'x'\""));
    }

    [Fact]
    public void Double_quotes_may_span_lines_and_keep_real_newlines()
    {
        var map = Parse("CERT=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=x\n");
        Assert.Equal("-----BEGIN-----\nabc\n-----END-----", Scalar(map, "CERT").Text);
        Assert.Equal("x", Scalar(map, "NEXT").Text);
        Assert.Equal(new SourcePosition(4, 1), map.Entries[1].KeyPosition);
    }

    [Fact]
    public void Quoted_values_allow_whitespace_and_a_comment_after_the_closing_quote()
    {
        Assert.Equal("v", Value("KEY=\"v\"   # comment"));
        Assert.Equal("v", Value("KEY='v'\t"));
        Assert.Equal("v", Value("KEY=\"v\"#comment"));
        Assert.Equal(" padded ", Value("KEY =   \" padded \"  \r\n"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("with \"double\" and 'single' quotes")]
    [InlineData("dollar $HOME and ${BRACED} and \\$ literal")]
    [InlineData("hash # inside and #start")]
    [InlineData("multi\nline\r\nvalue\n")]
    [InlineData("tab\tand backslash \\ and \\n as text")]
    [InlineData("  leading and trailing spaces  ")]
    public void Values_round_trip_through_double_quoted_escaping(string value)
    {
        // The .env sink renders values like this; the parser must give back exactly the same text.
        var rendered = "KEY=\"" + value
            .Replace("\\", "\\\\")
            .Replace("\"", "\\\"")
            .Replace("$", "\\$")
            .Replace("\n", "\\n")
            .Replace("\r", "\\r")
            .Replace("\t", "\\t") + "\"\n";
        Assert.Equal(value, Value(rendered));
    }

    [Fact]
    public void Values_round_trip_with_real_newlines_inside_double_quotes()
    {
        const string value = "line one\nline \"two\" $X #3";
        var rendered = "KEY=\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$") + "\"";
        Assert.Equal(value, Value(rendered));
    }

    [Fact]
    public void Keys_are_literal_and_never_nested()
    {
        var map = Parse("db.host=localhost\ndb.port=5432\nmy-key=1\n_private=2\n");
        Assert.Equal(["db.host", "db.port", "my-key", "_private"], map.Entries.Select(e => e.Key));
        Assert.IsType<ConfigScalar>(map["db.host"]);
        Assert.Null(map["db"]);
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        var map = Parse("key=1\nKEY=2");
        Assert.Equal(2, map.Count);
    }

    [Theory]
    [InlineData("1KEY=x", "1KEY")]
    [InlineData("KEY!=x", "KEY!")]
    [InlineData("-KEY=x", "-KEY")]
    [InlineData("KEY:x", "KEY:x")]
    [InlineData("ключ=x", "ключ")]
    public void Bad_key_is_an_error_naming_the_key(string text, string key)
    {
        var problem = Fails("OK=1\n" + text, 2, 1);
        Assert.StartsWith($"invalid key '{key}'", problem.Message);
    }

    [Fact]
    public void Bad_key_after_export_points_at_the_key()
    {
        var problem = Fails("export 9X=1", 1, 8);
        Assert.StartsWith("invalid key '9X'", problem.Message);
    }

    [Fact]
    public void Missing_key_is_an_error()
    {
        Assert.Equal("missing key before '='", Fails("A=1\n  =value", 2, 3).Message);
    }

    [Fact]
    public void Bare_key_without_equals_is_an_error()
    {
        Assert.Equal("expected '=' after key 'KEY'", Fails("A=1\nKEY\nB=2", 2, 4).Message);
        Assert.Equal("expected '=' after key 'KEY'", Fails("KEY", 1, 4).Message);
        Assert.Equal("expected '=' after key 'KEY'", Fails("KEY value", 1, 5).Message);
        Assert.Equal("expected '=' after key 'export'", Fails("export", 1, 7).Message);
    }

    [Fact]
    public void Unterminated_double_quote_names_where_it_was_opened()
    {
        var problem = Fails("A=1\nKEY=\"abc\nmore\nB=2\n", 2, 5);
        Assert.Equal("unterminated double-quoted value of key 'KEY' (opened at 2:5)", problem.Message);
    }

    [Fact]
    public void Escaped_quote_does_not_close_and_a_trailing_backslash_is_unterminated()
    {
        Assert.Equal("unterminated double-quoted value of key 'KEY' (opened at 1:5)", Fails("KEY=\"abc\\\"", 1, 5).Message);
        Assert.Equal("unterminated double-quoted value of key 'KEY' (opened at 1:5)", Fails("KEY=\"abc\\", 1, 5).Message);
    }

    [Fact]
    public void Unterminated_single_quote_names_where_it_was_opened()
    {
        var problem = Fails("\n\nexport KEY = 'abc", 3, 14);
        Assert.Equal("unterminated single-quoted value of key 'KEY' (opened at 3:14)", problem.Message);
    }

    [Fact]
    public void Text_after_the_closing_quote_is_an_error()
    {
        Assert.StartsWith("unexpected text after the closing quote of key 'KEY'", Fails("KEY=\"abc\"def", 1, 10).Message);
        Assert.StartsWith("unexpected text after the closing quote of key 'KEY'", Fails("X=1\nKEY='a' b", 2, 9).Message);
        Assert.StartsWith("unexpected text after the closing quote of key 'KEY'", Fails("KEY='it\\'s'", 1, 10).Message);
    }

    [Fact]
    public void Duplicate_key_is_an_error_naming_both_lines()
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse("A=1\nDB=x\n\nexport DB=y\n"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(new SourcePosition(4, 8), problem.Position);
        Assert.Equal("duplicate key 'DB' (first defined at 2:1)", problem.Message);
        Assert.Equal($"{File}:4:8: duplicate key 'DB' (first defined at 2:1)", ex.Message);
    }

    [Fact]
    public void Error_messages_never_contain_the_value()
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse("PASSWORD=\"s3cr3t-value"));
        Assert.DoesNotContain("s3cr3t", ex.Message);
        ex = Assert.Throws<VarTrackException>(() => Parse("PASSWORD=\"s3cr3t\"x"));
        Assert.DoesNotContain("s3cr3t", ex.Message);
    }

    [Fact]
    public void Crlf_files_read_like_lf_files()
    {
        var map = Parse("# c\r\nA=1\r\nB = two words \r\n\r\nC=\"q\"\r\n");
        Assert.Equal("1", Scalar(map, "A").Text);
        Assert.Equal("two words", Scalar(map, "B").Text);
        Assert.Equal("q", Scalar(map, "C").Text);
        Assert.Equal(new SourcePosition(3, 1), map.Entries[1].KeyPosition);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("=")]
    [InlineData("'")]
    [InlineData("A=\"\\")]
    [InlineData("export ")]
    [InlineData("A='\n\n")]
    [InlineData("\u0001=1")]
    public void Malformed_input_always_ends_in_a_positioned_error(string text)
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse(text));
        Assert.True(Assert.Single(ex.Problems).Position.IsKnown);
    }
}

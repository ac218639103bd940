using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class PropertiesFormatParserTests
{
    private const string File = "application.properties";

    private static ConfigMap Parse(string text) => ParserAssert.ParsesToMap(new PropertiesFormatParser(), File, text);

    private static ConfigScalar Scalar(ConfigMap map, string key) => Assert.IsType<ConfigScalar>(map[key]);

    private static string? Value(string text, string key = "key") => Scalar(Parse(text), key).Text;

    private static Problem Fails(string text, int line, int column) =>
        ParserAssert.FailsAt(new PropertiesFormatParser(), File, text, line, column);

    [Fact]
    public void Format_is_properties() => Assert.Equal(ConfigFormat.Properties, new PropertiesFormatParser().Format);

    [Fact]
    public void Reads_keys_in_order_as_literal_strings()
    {
        var map = Parse("db.host=localhost\ndb.port = 5432\n  server.name : app\n");
        Assert.Equal(["db.host", "db.port", "server.name"], map.Entries.Select(e => e.Key));
        Assert.Equal("localhost", Scalar(map, "db.host").Text);
        Assert.Equal("5432", Scalar(map, "db.port").Text);
        Assert.Equal("app", Scalar(map, "server.name").Text);
        Assert.Null(map["db"]);
        Assert.All(map.Entries, e => Assert.Equal(ScalarKind.String, ((ConfigScalar)e.Value).Kind));
        Assert.Equal(new SourcePosition(3, 3), map.Entries[2].KeyPosition);
        Assert.Equal(new SourcePosition(3, 17), map.Entries[2].Value.Position);
    }

    [Theory]
    [InlineData("key=value")]
    [InlineData("key = value")]
    [InlineData("key:value")]
    [InlineData("key : value")]
    [InlineData("key value")]
    [InlineData("key\tvalue")]
    [InlineData("key\fvalue")]
    [InlineData("key    value")]
    [InlineData("key   =   value")]
    [InlineData("   key=value")]
    public void Separators_are_equals_colon_or_whitespace(string line) => Assert.Equal("value", Value(line));

    [Fact]
    public void Only_one_separator_is_skipped()
    {
        Assert.Equal("=value", Value("key==value"));
        Assert.Equal(":value", Value("key = :value"));
        Assert.Equal("b=c", Value("key=b=c"));
        Assert.Equal("=value", Value("key ==value"));
    }

    [Fact]
    public void Key_without_value_is_an_empty_string()
    {
        var map = Parse("a\nb=\nc :\nd   \n");
        foreach (var key in new[] { "a", "b", "c", "d" })
            Assert.Equal("", Scalar(map, key).Text);
    }

    [Fact]
    public void Trailing_whitespace_of_a_value_is_kept_as_java_does()
    {
        Assert.Equal("value  ", Value("key = value  "));
        Assert.Equal("1.50", Value("key=1.50"));
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped()
    {
        var map = Parse("# hash comment\n! bang comment\n   # indented\n\n \t \nkey=v # not a comment\n");
        Assert.Equal(["key"], map.Entries.Select(e => e.Key));
        Assert.Equal("v # not a comment", Scalar(map, "key").Text);
    }

    [Fact]
    public void Line_continuation_drops_the_backslash_newline_and_next_indentation()
    {
        var map = Parse("fruits = apple, \\\n         banana, \\\n\t\tpear\nnext=1\n");
        Assert.Equal("apple, banana, pear", Scalar(map, "fruits").Text);
        Assert.Equal("1", Scalar(map, "next").Text);
        Assert.Equal(new SourcePosition(4, 1), map.Entries[1].KeyPosition);
    }

    [Fact]
    public void Continuation_works_with_crlf_and_cr_line_ends()
    {
        Assert.Equal("ab", Value("key=a\\\r\n  b\r\n"));
        Assert.Equal("ab", Value("key=a\\\r  b\r"));
        Assert.Equal(["a", "b"], Parse("a=1\rb=2\r\n").Entries.Select(e => e.Key));
    }

    [Fact]
    public void An_even_number_of_trailing_backslashes_does_not_continue()
    {
        var map = Parse("key=a\\\\\nnext=1");
        Assert.Equal("a\\", Scalar(map, "key").Text);
        Assert.Equal("1", Scalar(map, "next").Text);
        Assert.Equal("a\\b", Value("key=a\\\\\\\n   b"));
    }

    [Fact]
    public void A_continued_line_starting_with_hash_is_value_text()
    {
        Assert.Equal("a# not a comment", Value("key=a\\\n  # not a comment"));
    }

    [Fact]
    public void A_key_can_continue_onto_the_next_line()
    {
        Assert.Equal("v", Value("ke\\\n  y=v"));
    }

    [Fact]
    public void Backslash_at_end_of_file_is_dropped()
    {
        Assert.Equal("abc", Value("key=abc\\"));
    }

    [Fact]
    public void Continuation_followed_by_an_empty_line_ends_the_value()
    {
        var map = Parse("key=a\\\n\nnext=b");
        Assert.Equal("a", Scalar(map, "key").Text);
        Assert.Equal("b", Scalar(map, "next").Text);
    }

    [Fact]
    public void Escapes_are_decoded()
    {
        Assert.Equal("t\tn\nr\rf\f\\=:#! end", Value(@"key=t\tn\nr\rf\f\\\=\:\#\!\ end"));
    }

    [Fact]
    public void Unknown_escapes_stand_for_the_character_as_in_java()
    {
        Assert.Equal("qbx", Value(@"key=\q\b\x"));
    }

    [Fact]
    public void Unicode_escapes_are_decoded()
    {
        Assert.Equal("caf\u00e9 \u4e2d\u6587 \U0001F600", Value(@"key=caf\u00e9 \u4E2D\u6587 \uD83D\uDE00"));
        Assert.Equal("é", Value(@"k\u00e9y=\u00E9", "kéy"));
    }

    [Fact]
    public void Escaped_separators_and_spaces_belong_to_the_key()
    {
        var map = Parse(@"my\ key=1" + "\n" + @"a\=b\:c = 2" + "\n" + @"\#not-comment=3");
        Assert.Equal(["my key", "a=b:c", "#not-comment"], map.Entries.Select(e => e.Key));
        Assert.Equal("2", Scalar(map, "a=b:c").Text);
    }

    [Fact]
    public void Leading_whitespace_of_a_value_can_be_kept_with_an_escape()
    {
        Assert.Equal("  two spaces", Value(@"key=\ \ two spaces"));
    }

    [Theory]
    [InlineData(@"key=\u12", 1, 5)]
    [InlineData(@"key=ab\u12G4", 1, 7)]
    [InlineData(@"key=\u", 1, 5)]
    [InlineData("other=1\n  k\\uZZZZ=1", 2, 4)]
    public void Malformed_unicode_escape_is_an_error_with_position(string text, int line, int column)
    {
        var problem = Fails(text, line, column);
        Assert.Equal(@"malformed \uXXXX escape (expected 4 hexadecimal digits after \u)", problem.Message);
    }

    [Fact]
    public void Duplicate_key_is_an_error_naming_both_lines()
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse("a=1\ndb.host=x\n# c\n  db.host y\n"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(new SourcePosition(4, 3), problem.Position);
        Assert.Equal("duplicate key 'db.host' (first defined at 2:1)", problem.Message);
        Assert.Equal($"{File}:4:3: duplicate key 'db.host' (first defined at 2:1)", ex.Message);
    }

    [Fact]
    public void Keys_that_differ_only_by_escapes_are_the_same_key()
    {
        Assert.Equal("duplicate key 'a' (first defined at 1:1)", Fails("a=1\n\\u0061=2", 2, 1).Message);
    }

    [Fact]
    public void Empty_key_is_an_error()
    {
        Assert.Equal("missing key before '='", Fails("a=1\n  = value", 2, 3).Message);
        Assert.Equal("missing key before ':'", Fails(":value", 1, 1).Message);
    }

    [Fact]
    public void Empty_file_is_an_empty_map()
    {
        Assert.Equal(0, Parse("").Count);
        Assert.Equal(0, Parse("# only\n! comments\n").Count);
    }
}

using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class IniFormatParserTests
{
    private const string File = "settings.ini";

    private static ConfigMap Parse(string text) => ParserAssert.ParsesToMap(new IniFormatParser(), File, text);

    private static ConfigMap Section(ConfigMap map, string name) => Assert.IsType<ConfigMap>(map[name]);

    private static ConfigScalar Scalar(ConfigMap map, string key) => Assert.IsType<ConfigScalar>(map[key]);

    private static string? Value(string line) => Scalar(Parse(line), "key").Text;

    private static Problem Fails(string text, int line, int column) =>
        ParserAssert.FailsAt(new IniFormatParser(), File, text, line, column);

    [Fact]
    public void Format_is_ini() => Assert.Equal(ConfigFormat.Ini, new IniFormatParser().Format);

    [Fact]
    public void Sections_become_nested_maps_and_top_level_keys_stay_on_top()
    {
        var map = Parse("""
            name = app
            ; comment
            # another comment

            [db]
            host = localhost
            port: 5432

            [cache]
            ttl=60
            """);
        Assert.Equal(["name", "db", "cache"], map.Entries.Select(e => e.Key));
        Assert.Equal("app", Scalar(map, "name").Text);
        var db = Section(map, "db");
        Assert.Equal(["host", "port"], db.Entries.Select(e => e.Key));
        Assert.Equal("localhost", Scalar(db, "host").Text);
        Assert.Equal("5432", Scalar(db, "port").Text);
        Assert.Equal(ScalarKind.String, Scalar(db, "port").Kind);
        Assert.Equal("60", Scalar(Section(map, "cache"), "ttl").Text);
        Assert.Equal(new SourcePosition(5, 1), map.Entries[1].KeyPosition);
        Assert.Equal(new SourcePosition(6, 1), db.Entries[0].KeyPosition);
        Assert.Equal(new SourcePosition(6, 8), db.Entries[0].Value.Position);
    }

    [Fact]
    public void Section_names_are_one_literal_trimmed_key()
    {
        var map = Parse("[ a.b ]\nx=1\n[with space]\ny=2\n");
        Assert.Equal(["a.b", "with space"], map.Entries.Select(e => e.Key));
        Assert.Equal("1", Scalar(Section(map, "a.b"), "x").Text);
        Assert.Null(map["a"]);
    }

    [Fact]
    public void Empty_section_is_an_empty_map_and_a_comment_may_follow_the_header()
    {
        var map = Parse("[empty] ; nothing here\n[full]   # note\nk=v");
        Assert.Equal(0, Section(map, "empty").Count);
        Assert.Equal("v", Scalar(Section(map, "full"), "k").Text);
    }

    [Fact]
    public void Indented_lines_and_crlf_are_accepted()
    {
        var map = Parse("  [s]\r\n\tkey = value \r\n  ; c\r\n");
        Assert.Equal("value", Scalar(Section(map, "s"), "key").Text);
        Assert.Equal(new SourcePosition(2, 2), Section(map, "s").Entries[0].KeyPosition);
    }

    [Fact]
    public void Values_are_trimmed_and_kept_as_written()
    {
        Assert.Equal("hello world", Value("key =   hello world   "));
        Assert.Equal("0755", Value("key=0755"));
        Assert.Equal("yes", Value("key: yes"));
        Assert.Equal("http://host:80/?a=b", Value("key = http://host:80/?a=b"));
        Assert.Equal("12:00", Value("key: 12:00"));
        Assert.Equal("value ; not a comment # neither", Value("key = value ; not a comment # neither"));
    }

    [Fact]
    public void The_first_separator_splits_key_and_value()
    {
        var map = Parse("a:b = c\nmy key = 1");
        Assert.Equal("b = c", Scalar(map, "a").Text);
        Assert.Equal("1", Scalar(map, "my key").Text);
    }

    [Fact]
    public void Empty_value_is_an_empty_string()
    {
        Assert.Equal("", Value("key ="));
        Assert.Equal("", Value("key:"));
        Assert.Equal("", Value("key = \"\""));
        Assert.Equal(ScalarKind.String, Scalar(Parse("key="), "key").Kind);
    }

    [Fact]
    public void Quotes_are_removed()
    {
        Assert.Equal("  padded  ", Value("key = \"  padded  \""));
        Assert.Equal("single ; quoted", Value("key = 'single ; quoted'"));
        Assert.Equal("a \"quote\" here", Value("key = \"a \\\"quote\\\" here\""));
        Assert.Equal("it\"s", Value("key = 'it\"s'"));
    }

    [Fact]
    public void Only_escaped_double_quotes_are_decoded()
    {
        Assert.Equal(@"C:\dir\n\t", Value(@"key = ""C:\dir\n\t"""));
        Assert.Equal(@"a\b\", Value(@"key = 'a\b\'"));
    }

    [Fact]
    public void A_comment_may_follow_a_closing_quote()
    {
        Assert.Equal("v", Value("key = \"v\"   ; comment"));
        Assert.Equal("v", Value("key = 'v' # comment"));
    }

    [Fact]
    public void Quotes_inside_a_value_are_kept()
    {
        Assert.Equal("say \"hi\"", Value("key = say \"hi\""));
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error()
    {
        Assert.Equal("unexpected text after the closing quote of key 'key'", Fails("key = \"a\" b", 1, 11).Message);
    }

    [Fact]
    public void Unterminated_quote_is_an_error_naming_where_it_was_opened()
    {
        Assert.Equal("unterminated double-quoted value of key 'key' (opened at 2:7)", Fails("[s]\nkey = \"abc", 2, 7).Message);
        Assert.Equal("unterminated single-quoted value of key 'key' (opened at 1:5)", Fails("key='abc", 1, 5).Message);
        Assert.Equal("unterminated double-quoted value of key 'key' (opened at 1:5)", Fails("key=\"abc\\\"", 1, 5).Message);
    }

    [Fact]
    public void Duplicate_section_is_an_error_naming_both_positions()
    {
        var ex = Assert.Throws<VarTrackException>(() => Parse("[db]\nhost=a\n[other]\n  [db]\nport=1"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(new SourcePosition(4, 3), problem.Position);
        Assert.Equal("duplicate section 'db' (first defined at 1:1)", problem.Message);
        Assert.Equal($"{File}:4:3: duplicate section 'db' (first defined at 1:1)", ex.Message);
    }

    [Fact]
    public void Duplicate_key_in_a_section_is_an_error_naming_both_positions()
    {
        var problem = Fails("[db]\nhost=a\nport=1\nhost = b", 4, 1);
        Assert.Equal("duplicate key 'host' in section 'db' (first defined at 2:1)", problem.Message);
    }

    [Fact]
    public void Duplicate_top_level_key_is_an_error()
    {
        Assert.Equal("duplicate key 'a' (first defined at 1:1)", Fails("a=1\na: 2", 2, 1).Message);
    }

    [Fact]
    public void Same_key_in_different_sections_is_fine()
    {
        var map = Parse("[a]\nk=1\n[b]\nk=2");
        Assert.Equal("1", Scalar(Section(map, "a"), "k").Text);
        Assert.Equal("2", Scalar(Section(map, "b"), "k").Text);
    }

    [Fact]
    public void Section_named_like_a_top_level_key_is_an_error()
    {
        var problem = Fails("db=1\n[db]\nx=2", 2, 1);
        Assert.Equal("section 'db' has the same name as the top-level key defined at 1:1", problem.Message);
    }

    [Fact]
    public void Unclosed_section_header_is_an_error()
    {
        Assert.Equal("unclosed section header (missing ']')", Fails("a=1\n [db\nx=1", 2, 2).Message);
    }

    [Fact]
    public void Empty_section_name_is_an_error()
    {
        Assert.Equal("empty section name", Fails("[]", 1, 1).Message);
        Assert.Equal("empty section name", Fails("[   ]", 1, 1).Message);
    }

    [Fact]
    public void Text_after_a_section_header_is_an_error()
    {
        Assert.Equal("unexpected text after section header '[db]'", Fails("[db] x", 1, 6).Message);
    }

    [Fact]
    public void A_line_that_is_neither_key_value_section_nor_comment_is_an_error()
    {
        var problem = Fails("[s]\nk=v\n  just some words\n", 3, 3);
        Assert.Equal("expected 'key = value', 'key: value', a '[section]' header or a comment", problem.Message);
    }

    [Fact]
    public void Missing_key_is_an_error()
    {
        Assert.Equal("missing key before '='", Fails("  = value", 1, 3).Message);
        Assert.Equal("missing key before ':'", Fails(": value", 1, 1).Message);
    }

    [Fact]
    public void Empty_file_is_an_empty_map() => Assert.Equal(0, Parse("").Count);
}

using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class TomlFormatParserTests
{
    private const string FileName = "config/app.toml";

    private static ConfigMap Parse(string toml) =>
        Assert.IsType<ConfigMap>(new TomlFormatParser().Parse(SourceText.FromString(FileName, toml)));

    private static ConfigScalar Scalar(ConfigNode? node) => Assert.IsType<ConfigScalar>(node);

    private static ConfigMap Map(ConfigNode? node) => Assert.IsType<ConfigMap>(node);

    private static Problem Fails(string toml, string position, string message)
    {
        var error = Assert.Throws<VarTrackException>(() => Parse(toml));
        var problem = Assert.Single(error.Problems);
        Assert.Equal(FileName, problem.File);
        Assert.Equal(position, problem.Position.ToString());
        Assert.Equal(message, problem.Message);
        Assert.Equal($"{FileName}:{position}: {message}", error.Message);
        return problem;
    }

    [Fact]
    public void Format_is_toml() => Assert.Equal(ConfigFormat.Toml, new TomlFormatParser().Format);

    [Theory]
    [InlineData("42", ScalarKind.Number)]
    [InlineData("+42", ScalarKind.Number)]
    [InlineData("-0", ScalarKind.Number)]
    [InlineData("1_000", ScalarKind.Number)]
    [InlineData("0x1F", ScalarKind.Number)]
    [InlineData("0xdead_beef", ScalarKind.Number)]
    [InlineData("0o755", ScalarKind.Number)]
    [InlineData("0b1101", ScalarKind.Number)]
    [InlineData("1.50", ScalarKind.Number)]
    [InlineData("1e3", ScalarKind.Number)]
    [InlineData("6.626e-34", ScalarKind.Number)]
    [InlineData("9_224_617.445_991", ScalarKind.Number)]
    [InlineData("inf", ScalarKind.Number)]
    [InlineData("+inf", ScalarKind.Number)]
    [InlineData("-inf", ScalarKind.Number)]
    [InlineData("nan", ScalarKind.Number)]
    [InlineData("-nan", ScalarKind.Number)]
    [InlineData("true", ScalarKind.Boolean)]
    [InlineData("false", ScalarKind.Boolean)]
    [InlineData("1979-05-27T07:32:00-08:00", ScalarKind.DateTime)]
    [InlineData("1979-05-27T07:32:00Z", ScalarKind.DateTime)]
    [InlineData("1979-05-27 07:32:00Z", ScalarKind.DateTime)]
    [InlineData("1979-05-27T00:32:00.999999-07:00", ScalarKind.DateTime)]
    [InlineData("1979-05-27T07:32:00", ScalarKind.DateTime)]
    [InlineData("1979-05-27", ScalarKind.DateTime)]
    [InlineData("07:32:00", ScalarKind.DateTime)]
    [InlineData("00:32:00.999999", ScalarKind.DateTime)]
    public void Values_keep_the_text_as_written(string literal, ScalarKind kind)
    {
        var value = Scalar(Parse($"v = {literal}\n")["v"]);
        Assert.Equal(literal, value.Text);
        Assert.Equal(kind, value.Kind);
    }

    [Fact]
    public void Basic_strings_are_unescaped()
    {
        var value = Scalar(Parse("s = \"q\\\"b\\\\t\\tn\\nu\\u00e9U\\U0001F600\"\n")["s"]);
        Assert.Equal("q\"b\\t\tn\nuéU😀", value.Text);
        Assert.Equal(ScalarKind.String, value.Kind);
    }

    [Fact]
    public void Literal_strings_keep_backslashes()
    {
        Assert.Equal(@"C:\Users\n\path", Scalar(Parse(@"p = 'C:\Users\n\path'" + "\n")["p"]).Text);
    }

    [Fact]
    public void Multi_line_basic_string_trims_the_first_newline_and_joins_escaped_line_ends()
    {
        var map = Parse("s = \"\"\"\nRoses are red\nViolets \\\n    are blue\"\"\"\n");
        Assert.Equal("Roses are red\nViolets are blue", Scalar(map["s"]).Text);
    }

    [Fact]
    public void Multi_line_literal_string_is_kept_raw()
    {
        var map = Parse("s = '''\nfirst \\n\n  second'''\n");
        Assert.Equal("first \\n\n  second", Scalar(map["s"]).Text);
    }

    [Fact]
    public void Empty_string_is_an_empty_string_not_null()
    {
        var value = Scalar(Parse("e = \"\"\nl = ''\n")["e"]);
        Assert.Equal("", value.Text);
        Assert.False(value.IsNull);
        Assert.Equal(ScalarKind.String, value.Kind);
    }

    [Fact]
    public void Tables_and_dotted_keys_nest_maps()
    {
        var map = Parse("""
            top = 1
            site.name.first = "a"
            site.name.last = "b"
            [server.http]
            port = 80
            tls.enabled = true
            """);

        Assert.Equal(["top", "site", "server"], map.Entries.Select(e => e.Key));
        var name = Map(Map(map["site"])["name"]);
        Assert.Equal(["first", "last"], name.Entries.Select(e => e.Key));
        Assert.Equal("b", Scalar(name["last"]).Text);
        var http = Map(Map(map["server"])["http"]);
        Assert.Equal("80", Scalar(http["port"]).Text);
        Assert.Equal("true", Scalar(Map(http["tls"])["enabled"]).Text);
    }

    [Fact]
    public void Quoted_key_with_a_dot_is_one_key()
    {
        var map = Parse("""
            "a.b" = 1
            a.b = 2
            site."google.com" = true
            'lit.key' = 3
            "" = 4
            """);

        Assert.Equal("1", Scalar(map["a.b"]).Text);
        Assert.Equal("2", Scalar(Map(map["a"])["b"]).Text);
        Assert.Equal("true", Scalar(Map(map["site"])["google.com"]).Text);
        Assert.Equal("3", Scalar(map["lit.key"]).Text);
        Assert.Equal("4", Scalar(map[""]).Text);
    }

    [Fact]
    public void Inline_tables_and_nested_arrays()
    {
        var map = Parse("""
            point = { x = 1, y.z = 2, tags = ["a", 'b'] }
            matrix = [ [1, 2], [3.5, "x"], [] ]
            points = [ { x = 1 }, { x = 2, y = { z = "deep" } } ]
            """);

        var point = Map(map["point"]);
        Assert.Equal("1", Scalar(point["x"]).Text);
        Assert.Equal("2", Scalar(Map(point["y"])["z"]).Text);
        Assert.Equal(["a", "b"], Assert.IsType<ConfigList>(point["tags"]).Items.Select(i => Scalar(i).Text));
        var matrix = Assert.IsType<ConfigList>(map["matrix"]);
        Assert.Equal(3, matrix.Items.Count);
        Assert.Equal(["3.5", "x"], Assert.IsType<ConfigList>(matrix.Items[1]).Items.Select(i => Scalar(i).Text));
        Assert.Empty(Assert.IsType<ConfigList>(matrix.Items[2]).Items);
        var points = Assert.IsType<ConfigList>(map["points"]);
        Assert.Equal("deep", Scalar(Map(Map(points.Items[1])["y"])["z"]).Text);
    }

    [Fact]
    public void Arrays_of_tables_become_lists_of_maps_and_subtables_go_to_the_last_element()
    {
        var map = Parse("""
            [[products]]
            name = "Hammer"
            [products.dims]
            w = 1

            [[products]]

            [[products]]
            name = "Nail"
            [[products.variants]]
            size = 2
            [[products.variants]]
            size = 3
            """);

        var products = Assert.IsType<ConfigList>(map["products"]);
        Assert.Equal(3, products.Items.Count);
        var hammer = Map(products.Items[0]);
        Assert.Equal("Hammer", Scalar(hammer["name"]).Text);
        Assert.Equal("1", Scalar(Map(hammer["dims"])["w"]).Text);
        Assert.Equal(0, Map(products.Items[1]).Count);
        var variants = Assert.IsType<ConfigList>(Map(products.Items[2])["variants"]);
        Assert.Equal(["2", "3"], variants.Items.Select(v => Scalar(Map(v)["size"]).Text));
    }

    [Fact]
    public void A_table_implied_by_a_header_may_be_defined_later()
    {
        var map = Parse("""
            [a.b.c]
            x = 1
            [a]
            y = 2
            """);

        var a = Map(map["a"]);
        Assert.Equal(["b", "y"], a.Entries.Select(e => e.Key));
        Assert.Equal(new SourcePosition(3, 1), a.Position);
    }

    [Fact]
    public void Sub_tables_may_be_added_under_tables_made_by_dotted_keys()
    {
        var map = Parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """);

        var apple = Map(Map(map["fruit"])["apple"]);
        Assert.Equal(["color", "taste", "texture"], apple.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Unicode_keys_and_values_are_read_and_columns_count_characters()
    {
        var map = Parse("\"ключ\" = \"значение 😀\"\n\"é\" = 'ü'\n");

        Assert.Equal("значение 😀", Scalar(map["ключ"]).Text);
        Assert.True(map.TryGetEntry("é", out var e));
        Assert.Equal(new SourcePosition(2, 1), e.KeyPosition);
        Assert.Equal(new SourcePosition(2, 7), e.Value.Position);
    }

    [Fact]
    public void Positions_of_keys_values_and_tables()
    {
        var map = Parse("title = \"x\"\r\n\r\n[db]\r\n  port = 5432\r\n  hosts = [ \"a\", \"b\" ]\r\n  conn.pool = 4\r\n");

        Assert.Equal(new SourcePosition(1, 1), map.Position);
        Assert.True(map.TryGetEntry("title", out var title));
        Assert.Equal(new SourcePosition(1, 1), title.KeyPosition);
        Assert.Equal(new SourcePosition(1, 9), title.Value.Position);
        Assert.True(map.TryGetEntry("db", out var db));
        Assert.Equal(new SourcePosition(3, 2), db.KeyPosition);
        Assert.Equal(new SourcePosition(3, 1), db.Value.Position);
        var dbMap = Map(db.Value);
        Assert.True(dbMap.TryGetEntry("port", out var port));
        Assert.Equal(new SourcePosition(4, 3), port.KeyPosition);
        Assert.Equal(new SourcePosition(4, 10), port.Value.Position);
        var hosts = Assert.IsType<ConfigList>(dbMap["hosts"]);
        Assert.Equal(new SourcePosition(5, 11), hosts.Position);
        Assert.Equal(new SourcePosition(5, 18), hosts.Items[1].Position);
        Assert.True(Map(dbMap["conn"]).TryGetEntry("pool", out var pool));
        Assert.Equal(new SourcePosition(6, 8), pool.KeyPosition);
    }

    [Fact]
    public void Comments_and_an_empty_document_are_fine()
    {
        Assert.Equal(0, Parse("").Count);
        Assert.Equal(0, Parse("# only a comment\n\n").Count);
        Assert.Equal("1", Scalar(Parse("a = 1 # trailing\n")["a"]).Text);
    }

    [Fact]
    public void Duplicate_key_names_the_key_and_both_positions()
    {
        Fails("a = 1\nb = 2\na = 3\n", "3:1", "duplicate key 'a' (first defined at 1:1)");
    }

    [Fact]
    public void Duplicate_key_inside_a_table_names_its_full_path()
    {
        Fails("[server]\nport = 1\nport = 2\n", "3:1", "duplicate key 'server.port' (first defined at 2:1)");
    }

    [Fact]
    public void Duplicate_key_inside_an_inline_table_is_an_error()
    {
        Fails("p = { x = 1, x = 2 }\n", "1:14", "duplicate key 'x' (first defined at 1:7)");
    }

    [Fact]
    public void Quoted_and_bare_spellings_of_one_key_are_duplicates()
    {
        Fails("a.\"b.c\" = 1\n'a'.\"b.c\" = 2\n", "2:5", "duplicate key 'a.\"b.c\"' (first defined at 1:3)");
    }

    [Fact]
    public void Redefining_a_table_is_an_error()
    {
        Fails("[t]\nx = 1\n\n[t]\ny = 2\n", "4:2", "table 't' is already defined (first defined at 1:2)");
    }

    [Fact]
    public void Redefining_a_table_after_it_got_sub_tables_is_an_error()
    {
        Fails("[a]\n[a.b]\n[a]\n", "3:2", "table 'a' is already defined (first defined at 1:2)");
    }

    [Fact]
    public void A_value_cannot_become_a_table()
    {
        Fails("a = 1\n[a]\nb = 1\n", "2:2", "key 'a' is already a value (defined at 1:1), it cannot also be a table");
    }

    [Fact]
    public void A_value_cannot_be_extended_by_dotted_keys()
    {
        Fails("a.b = 1\na.b.c = 2\n", "2:3", "key 'a.b' is already a value (defined at 1:3), it cannot also be a table");
    }

    [Fact]
    public void A_table_made_by_dotted_keys_cannot_be_reopened_by_a_header()
    {
        Fails("[fruit]\napple.color = 'red'\n[fruit.apple]\n", "3:8", "table 'fruit.apple' was already defined with dotted keys at 2:1");
    }

    [Fact]
    public void Dotted_keys_cannot_add_to_a_table_defined_by_a_header()
    {
        // toml-lang/toml#846: [a.b.c] is closed once its section ends.
        Fails("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", "4:3", "table 'a.b.c' is defined by a [table] header at 1:6, dotted keys cannot add to it");
    }

    [Fact]
    public void Dotted_keys_may_define_a_table_only_implied_by_a_header_which_then_cannot_get_a_header()
    {
        var map = Parse("[a.b.c]\n[a]\nb.x = 1\n");
        Assert.Equal(["c", "x"], Map(Map(map["a"])["b"]).Entries.Select(e => e.Key));

        Fails("[a.b.c]\n[a]\nb.x = 1\n[a.b]\n", "4:4", "table 'a.b' was already defined with dotted keys at 3:1");
    }

    [Fact]
    public void Inline_tables_cannot_be_extended()
    {
        Fails("a = { x = 1 }\na.y = 2\n", "2:1", "key 'a' is already a value (defined at 1:1), it cannot also be a table");
        Fails("a = { x = 1 }\n[a.b]\n", "2:2", "key 'a' is already a value (defined at 1:1), it cannot also be a table");
    }

    [Fact]
    public void Array_of_tables_and_table_cannot_share_a_name()
    {
        Fails("[[x]]\n[x]\n", "2:2", "key 'x' is already an array of tables (first defined at 1:3), it cannot also be a table");
        Fails("[x]\n[[x]]\n", "2:3", "key 'x' is already a table (defined at 1:2), it cannot also be an array of tables");
        Fails("x = []\n[[x]]\n", "2:3", "key 'x' is already a value (defined at 1:1), it cannot also be an array of tables");
        Fails("[[a.b]]\n[a]\nb.y = 2\n", "3:1", "key 'a.b' is an array of tables (defined at 1:5), dotted keys cannot add to it");
    }

    [Fact]
    public void Invalid_syntax_is_reported_at_its_position()
    {
        Fails("a = 1\nb = = 2\n", "2:5", "unexpected token `=` for a value");
        Fails("[a b]\n", "1:4", "unexpected token found `b` (token: `basickey`) while expecting `]` (token: `closebracket`)");
    }

    [Fact]
    public void Leading_zero_is_not_toml()
    {
        Fails("mode = 0755\n", "1:8", "unexpected leading zero (`0`) for integer `0755`");
    }

    [Fact]
    public void Integer_beyond_64_bits_is_an_error_as_the_toml_spec_requires()
    {
        var error = Assert.Throws<VarTrackException>(() => Parse("big = 12345678901234567890123\n"));
        Assert.Equal("1:7", error.Problems[0].Position.ToString());
        Assert.StartsWith("unable to parse integer", error.Problems[0].Message);
    }

    [Theory]
    [InlineData("a = \"abc\nb = 1\n", "1:9", "1:5")]
    [InlineData("a = 'abc\n", "1:9", "1:5")]
    [InlineData("a = \"abc\\\"\n", "1:11", "1:5")]
    [InlineData("x = 1\na = \"\"\"abc\n", "2:11", "2:5")]
    [InlineData("a = '''abc", "1:10", "1:5")]
    [InlineData("\"key = 1\n", "1:9", "1:1")]
    public void Unterminated_string_names_where_it_was_opened(string toml, string position, string opened)
    {
        Fails(toml, position, $"unterminated string (opened at {opened})");
    }

    [Theory]
    [InlineData("title = \"T\\u00e")]
    [InlineData("title = \"T\\")]
    public void Escape_cut_off_by_the_end_of_the_file_is_an_error(string toml)
    {
        // Tomlyn 2.10.2 throws ArgumentOutOfRangeException here; the parser must still answer with a position.
        Fails(toml, $"1:{toml.Length + 1}", "unterminated string (opened at 1:9)");
    }

    [Fact]
    public void Invalid_escape_is_an_error()
    {
        var error = Assert.Throws<VarTrackException>(() => Parse("a = \"\\q\"\n"));
        Assert.Equal("1:7", error.Problems[0].Position.ToString());
        Assert.StartsWith("unexpected escape character [q] in string", error.Problems[0].Message);
    }

    [Fact]
    public void Values_in_syntax_errors_are_not_echoed()
    {
        var problem = Fails("password = hunter2\n", "1:12", "unexpected token `…` for a value");
        Assert.DoesNotContain("hunter", problem.ToString());
        var quoted = Assert.Throws<VarTrackException>(() => Parse("password = \"x\" \"hunter2\"\n"));
        Assert.DoesNotContain("hunter2", quoted.Message);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var depth = TomlFormatParser.MaxNestingDepth;
        ConfigNode node = Parse("a = " + new string('[', depth) + new string(']', depth) + "\n")["a"]!;
        for (var i = 1; i < depth; i++)
            node = Assert.Single(Assert.IsType<ConfigList>(node).Items);
        Assert.Empty(Assert.IsType<ConfigList>(node).Items);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_an_error_at_the_first_bracket_too_deep()
    {
        // The 257th '[' is at column 5 + 256; the string before it holds brackets that must not be counted.
        Fails("s = \"[[[\"\na = " + new string('[', 300) + new string(']', 300) + "\n", "2:261", "nesting deeper than 256");
    }

    [Fact]
    public void Error_message_names_the_file()
    {
        var error = Assert.Throws<VarTrackException>(() => new TomlFormatParser().Parse(SourceText.FromString("deploy/prod.toml", "a = 1\na = 2\n")));
        Assert.Equal("deploy/prod.toml:2:1: duplicate key 'a' (first defined at 1:1)", error.Message);
    }
}

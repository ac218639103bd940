using System.Diagnostics;
using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Formats;

public sealed class YamlFormatParserTests
{
    private const string File = "config/app.yaml";

    private static ConfigNode ParseNode(string text) => new YamlFormatParser().Parse(SourceText.FromString(File, text));

    private static ConfigMap Parse(string text) => Assert.IsType<ConfigMap>(ParseNode(text));

    private static Problem Fails(string text)
    {
        var ex = Assert.Throws<VarTrackException>(() => ParseNode(text));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(File, problem.File);
        Assert.True(problem.Position.IsKnown, $"no position in: {problem}");
        Assert.Contains($"{File}:{problem.Position.Line}:{problem.Position.Column}: ", ex.Message);
        return problem;
    }

    private static ConfigScalar Scalar(ConfigNode? node, string? text, ScalarKind kind) => ParserAssert.IsScalar(node, text, kind);

    [Fact]
    public void Format_is_yaml() => Assert.Equal(ConfigFormat.Yaml, new YamlFormatParser().Format);

    [Fact]
    public void Empty_and_comment_only_files_give_an_empty_map()
    {
        Assert.Equal(0, Parse("").Count);
        Assert.Equal(0, Parse("# only a comment\n").Count);
    }

    [Fact]
    public void A_document_marker_with_no_content_is_an_empty_map_like_an_empty_file()
    {
        // "---" alone is an empty document, read like an empty file (not a null root the root-key step would reject).
        Assert.Equal(0, Parse("---\n").Count);
        Assert.Equal(0, Parse("# header\n---\n# nothing else\n").Count);
    }

    [Fact]
    public void Plain_scalars_keep_the_authors_text()
    {
        var root = Parse("""
            price: 1.50
            mode: 0755
            flag_on: on
            flag_yes: yes
            exp: 1e3
            date: 2024-01-02
            big: 123456789012345678901234567890
            hex: 0x1F
            under: 1_000
            neg: -42
            word: hello world
            """);
        Scalar(root["price"], "1.50", ScalarKind.Number);
        Scalar(root["mode"], "0755", ScalarKind.Number);
        Scalar(root["flag_on"], "on", ScalarKind.String);
        Scalar(root["flag_yes"], "yes", ScalarKind.String);
        Scalar(root["exp"], "1e3", ScalarKind.Number);
        Scalar(root["date"], "2024-01-02", ScalarKind.DateTime);
        Scalar(root["big"], "123456789012345678901234567890", ScalarKind.Number);
        Scalar(root["hex"], "0x1F", ScalarKind.Number);
        Scalar(root["under"], "1_000", ScalarKind.Number);
        Scalar(root["neg"], "-42", ScalarKind.Number);
        Scalar(root["word"], "hello world", ScalarKind.String);
    }

    [Fact]
    public void Booleans_and_timestamps_are_typed_but_kept_as_written()
    {
        var root = Parse("a: true\nb: False\nc: TRUE\nd: 2024-01-02T10:20:30Z\ne: 2024-01-02 10:20:30.5 +02:00\n");
        Scalar(root["a"], "true", ScalarKind.Boolean);
        Scalar(root["b"], "False", ScalarKind.Boolean);
        Scalar(root["c"], "TRUE", ScalarKind.Boolean);
        Scalar(root["d"], "2024-01-02T10:20:30Z", ScalarKind.DateTime);
        Scalar(root["e"], "2024-01-02 10:20:30.5 +02:00", ScalarKind.DateTime);
    }

    [Fact]
    public void Quoted_scalars_are_always_strings()
    {
        var root = Parse("""
            a: "null"
            b: '5432'
            c: "true"
            d: ""
            e: '~'
            f: "line\nbreak"
            g: 'it''s'
            """);
        Scalar(root["a"], "null", ScalarKind.String);
        Scalar(root["b"], "5432", ScalarKind.String);
        Scalar(root["c"], "true", ScalarKind.String);
        Scalar(root["d"], "", ScalarKind.String);
        Scalar(root["e"], "~", ScalarKind.String);
        Scalar(root["f"], "line\nbreak", ScalarKind.String);
        Scalar(root["g"], "it's", ScalarKind.String);
    }

    [Fact]
    public void Plain_tilde_null_and_empty_are_null()
    {
        var root = Parse("a: ~\nb: null\nc:\nd: Null\ne: NULL\n");
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
            Assert.True(Scalar(root[key], null, ScalarKind.Null).IsNull, key);
    }

    [Fact]
    public void Tags_set_the_kind()
    {
        var root = Parse("a: !!str 5432\nb: !!int \"7\"\nc: !!null whatever\nd: !!bool \"true\"\n");
        Scalar(root["a"], "5432", ScalarKind.String);
        Scalar(root["b"], "7", ScalarKind.Number);
        Scalar(root["c"], null, ScalarKind.Null);
        Scalar(root["d"], "true", ScalarKind.Boolean);
    }

    [Fact]
    public void Block_scalars_keep_their_text()
    {
        var root = Parse("a: |\n  line1\n  line2\nb: >\n  folded\n  text\n");
        Scalar(root["a"], "line1\nline2\n", ScalarKind.String);
        Scalar(root["b"], "folded text\n", ScalarKind.String);
    }

    [Fact]
    public void Maps_and_lists_nest_in_order_with_positions()
    {
        var root = Parse("""
            db:
              host: localhost
              port: 5432
            hosts:
              - a
              - b: 1
            flow: {x: 1, y: [1, 2]}
            """);
        Assert.Equal(["db", "hosts", "flow"], root.Entries.Select(e => e.Key));
        var db = Assert.IsType<ConfigMap>(root["db"]);
        Assert.Equal(["host", "port"], db.Entries.Select(e => e.Key));
        Assert.True(db.TryGetEntry("port", out var port));
        Assert.Equal(new SourcePosition(3, 3), port.KeyPosition);
        Assert.Equal(new SourcePosition(3, 9), port.Value.Position);
        Assert.Equal(new SourcePosition(1, 1), root.Entries[0].KeyPosition);

        var hosts = Assert.IsType<ConfigList>(root["hosts"]);
        Assert.Equal(2, hosts.Items.Count);
        Scalar(hosts.Items[0], "a", ScalarKind.String);
        Assert.Equal(new SourcePosition(5, 5), hosts.Items[0].Position);
        Scalar(Assert.IsType<ConfigMap>(hosts.Items[1])["b"], "1", ScalarKind.Number);

        var flow = Assert.IsType<ConfigMap>(root["flow"]);
        Assert.Equal(2, Assert.IsType<ConfigList>(flow["y"]).Items.Count);
    }

    [Fact]
    public void Anchors_and_aliases_share_the_value()
    {
        var root = Parse("""
            base: &base
              host: db
              port: 5432
            copy: *base
            name: &n api
            again: *n
            """);
        var copy = Assert.IsType<ConfigMap>(root["copy"]);
        Scalar(copy["host"], "db", ScalarKind.String);
        Scalar(copy["port"], "5432", ScalarKind.Number);
        Scalar(root["again"], "api", ScalarKind.String);
    }

    [Fact]
    public void Merge_keys_fill_in_keys_the_mapping_does_not_define()
    {
        var root = Parse("""
            base: &base
              host: db
              port: 5432
            prod:
              port: 6543
              <<: *base
              user: app
            """);
        var prod = Assert.IsType<ConfigMap>(root["prod"]);
        Assert.False(prod.TryGetEntry("<<", out _));
        Scalar(prod["host"], "db", ScalarKind.String);
        Scalar(prod["port"], "6543", ScalarKind.Number);
        Scalar(prod["user"], "app", ScalarKind.String);
        Assert.Equal(3, prod.Count);
    }

    [Fact]
    public void Merge_key_with_a_list_gives_earlier_maps_precedence()
    {
        var root = Parse("""
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              <<: [*a, *b]
              w: 0
            """);
        var c = Assert.IsType<ConfigMap>(root["c"]);
        Scalar(c["x"], "1", ScalarKind.Number);
        Scalar(c["y"], "1", ScalarKind.Number);
        Scalar(c["z"], "2", ScalarKind.Number);
        Scalar(c["w"], "0", ScalarKind.Number);
    }

    [Fact]
    public void Merge_key_with_a_scalar_is_an_error()
    {
        var problem = Fails("a:\n  <<: 5\n");
        Assert.Equal("a merge key ('<<') takes a mapping or a list of mappings", problem.Message);
        Assert.Equal(new SourcePosition(2, 3), problem.Position);
    }

    [Fact]
    public void A_quoted_merge_key_is_an_ordinary_key()
    {
        var root = Parse("a:\n  \"<<\": 5\n");
        Scalar(Assert.IsType<ConfigMap>(root["a"])["<<"], "5", ScalarKind.Number);
    }

    [Fact]
    public void Unknown_alias_is_an_error()
    {
        var problem = Fails("a: *missing\n");
        Assert.Equal("alias '*missing' refers to no anchor defined before it", problem.Message);
        Assert.Equal(new SourcePosition(1, 4), problem.Position);
    }

    [Fact]
    public void Duplicate_keys_name_both_positions()
    {
        var problem = Fails("db:\n  host: a\n  port: 1\n  host: b\n");
        Assert.Equal("duplicate key 'host' (first defined at 2:3)", problem.Message);
        Assert.Equal(new SourcePosition(4, 3), problem.Position);
    }

    [Fact]
    public void Duplicate_keys_in_flow_maps_are_errors()
    {
        var problem = Fails("a: {x: 1, x: 2}\n");
        Assert.Equal("duplicate key 'x' (first defined at 1:5)", problem.Message);
        Assert.Equal(new SourcePosition(1, 11), problem.Position);
    }

    [Theory]
    [InlineData("a: [1, 2\n")]
    [InlineData("a: {x: 1\n")]
    [InlineData("a: \"unterminated\n")]
    [InlineData("a: 'x\nb: 2\n")]
    public void Truncated_yaml_is_an_error_with_a_position(string text)
    {
        var problem = Fails(text);
        Assert.DoesNotContain("(Line:", problem.Message);
        Assert.DoesNotContain("Exception", problem.Message);
        Assert.True(char.IsLower(problem.Message[0]), problem.Message);
    }

    [Fact]
    public void A_tab_used_for_indentation_is_an_error()
    {
        var problem = Fails("a:\n\tb: 1\n");
        // YamlDotNet reports where the mapping started (1:1), not the tab itself.
        Assert.Equal("while scanning a mapping, found invalid tab as indentation", problem.Message);
    }

    [Fact]
    public void Inconsistent_indentation_is_an_error()
    {
        var problem = Fails("a:\n    b: 1\n  c: 2\n");
        Assert.Equal(3, problem.Position.Line);
    }

    [Fact]
    public void A_second_document_is_refused()
    {
        var problem = Fails("a: 1\n---\nb: 2\n");
        Assert.Equal("a file may hold one YAML document; found a second one ('---')", problem.Message);
        Assert.Equal(new SourcePosition(2, 1), problem.Position);
    }

    [Fact]
    public void A_single_document_with_markers_is_fine()
    {
        var root = Parse("---\na: 1\n...\n");
        Scalar(root["a"], "1", ScalarKind.Number);
    }

    [Fact]
    public void Complex_keys_are_refused()
    {
        var problem = Fails("? [a, b]\n: 1\n");
        Assert.Equal("only plain or quoted scalar keys are supported (found a complex key)", problem.Message);
        Assert.Equal(new SourcePosition(1, 3), problem.Position);

        Assert.Equal("only plain or quoted scalar keys are supported (found a complex key)", Fails("{[a]: 1}\n").Message);
        Assert.Equal("only plain or quoted scalar keys are supported (found a complex key)", Fails("? {a: 1}\n: 1\n").Message);
    }

    [Fact]
    public void An_alias_bomb_is_refused_quickly()
    {
        var yaml = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++)
            yaml.Append($"l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))).Append("]\n");
        var clock = Stopwatch.StartNew();
        var problem = Fails(yaml.ToString());
        clock.Stop();
        Assert.Contains("alias bomb", problem.Message);
        Assert.StartsWith("aliases expand to more than", problem.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Moderate_alias_reuse_is_fine()
    {
        var root = Parse("a: &a {x: 1}\nb: [*a, *a, *a]\n");
        Assert.Equal(3, Assert.IsType<ConfigList>(root["b"]).Items.Count);
    }

    [Fact]
    public void Very_deep_nesting_is_refused_without_crashing()
    {
        var problem = Fails("a: " + new string('[', 300) + new string(']', 300) + "\n");
        Assert.Equal("nesting deeper than 256 levels", problem.Message);
    }

    [Fact]
    public void A_document_that_is_a_scalar_or_a_list_is_returned_as_is()
    {
        Scalar(ParseNode("hello\n"), "hello", ScalarKind.String);
        Assert.IsType<ConfigList>(ParseNode("- a\n- b\n"));
    }

    [Fact]
    public void Keys_keep_their_text_including_dots()
    {
        var root = Parse("\"a.b\": 1\n1: x\n\"\": empty\n");
        Scalar(root["a.b"], "1", ScalarKind.Number);
        Scalar(root["1"], "x", ScalarKind.String);
        Scalar(root[""], "empty", ScalarKind.String);
    }

    [Fact]
    public void Crlf_line_endings_give_the_same_positions()
    {
        var root = Parse("a: 1\r\nb:\r\n  c: 2\r\n");
        Assert.True(Assert.IsType<ConfigMap>(root["b"]).TryGetEntry("c", out var c));
        Assert.Equal(new SourcePosition(3, 3), c.KeyPosition);
    }
}

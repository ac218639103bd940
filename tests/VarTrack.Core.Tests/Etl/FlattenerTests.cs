using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Etl;

public sealed class FlattenerTests
{
    private const string File = "config/app.yaml";

    private static ConfigMap Yaml(string text) => Assert.IsType<ConfigMap>(new YamlFormatParser().Parse(SourceText.FromString(File, text)));

    private static FlatMap Flatten(string yaml, string separator = ".") => Flattener.Flatten(Yaml(yaml), File, new FlattenOptions(separator));

    private static Problem Fails(string yaml, string separator = ".") =>
        Assert.Single(Assert.Throws<VarTrackException>(() => Flatten(yaml, separator)).Problems);

    [Fact]
    public void Nested_maps_become_dotted_keys_in_document_order()
    {
        var flat = Flatten("""
            db:
              host: localhost
              port: 5432
              options:
                ssl: true
            name: app
            """);
        Assert.Equal(["db.host", "db.port", "db.options.ssl", "name"], flat.Keys);
        Assert.Equal("localhost", flat["db.host"].PlainText);
        Assert.Equal("5432", flat["db.port"].PlainText);
        Assert.Equal("true", flat["db.options.ssl"].PlainText);
    }

    [Fact]
    public void The_separator_is_configurable()
    {
        var flat = Flatten("db:\n  host: x\nlist: [a]\n", ":");
        Assert.Equal(["db:host", "list:0"], flat.Keys);
    }

    [Fact]
    public void Default_options_use_a_dot()
    {
        Assert.Equal(["a.b"], Flattener.Flatten(Yaml("a: {b: 1}\n"), File).Keys);
        Assert.Equal(".", FlattenOptions.Default.Separator);
    }

    [Fact]
    public void List_items_get_their_index()
    {
        var flat = Flatten("hosts: [a, b]\nmatrix: [[1, 2], [3]]\nservers:\n  - name: x\n    ports: [80, 443]\n");
        Assert.Equal(["hosts.0", "hosts.1", "matrix.0.0", "matrix.0.1", "matrix.1.0", "servers.0.name", "servers.0.ports.0", "servers.0.ports.1"], flat.Keys);
        Assert.Equal("3", flat["matrix.1.0"].PlainText);
        Assert.Equal("443", flat["servers.0.ports.1"].PlainText);
    }

    [Fact]
    public void Empty_maps_and_lists_produce_no_keys()
    {
        var flat = Flatten("a: {}\nb: []\nc: {d: {}, e: []}\nf: 1\n");
        Assert.Equal(["f"], flat.Keys);
    }

    [Fact]
    public void Null_stays_null_and_empty_string_stays_empty()
    {
        var flat = Flatten("a: ~\nb: \"\"\nc: 'null'\n");
        Assert.True(flat["a"].IsNull);
        Assert.Null(flat["a"].PlainText);
        Assert.False(flat["b"].IsNull);
        Assert.Equal("", flat["b"].PlainText);
        Assert.Equal("null", flat["c"].PlainText);
        Assert.NotEqual(flat["a"], flat["b"]);
    }

    [Fact]
    public void Values_keep_the_authors_text()
    {
        var flat = Flatten("a: 1.50\nb: 0755\nc: on\nd: 1e3\n");
        Assert.Equal(["1.50", "0755", "on", "1e3"], flat.Values.Select(v => v.PlainText));
    }

    [Fact]
    public void Origins_are_the_key_positions()
    {
        var flat = Flatten("db:\n  host: x\nlist:\n  - a\n");
        Assert.Equal(new SourcePosition(2, 3), flat.OriginOf("db.host"));
        Assert.Equal(new SourcePosition(4, 5), flat.OriginOf("list.0"));
        Assert.Equal(SourcePosition.None, flat.OriginOf("missing"));
    }

    [Fact]
    public void A_literal_dotted_key_colliding_with_nesting_is_an_error_naming_both_positions()
    {
        var problem = Fails("\"a.b\": 1\na:\n  b: 2\n");
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(3, 3), problem.Position);
        Assert.Equal("key 'a.b' is defined twice after flattening (also at 1:1); a literal '.' in a key collides with nesting", problem.Message);
    }

    [Fact]
    public void Collision_the_other_way_round_is_also_an_error()
    {
        var problem = Fails("a:\n  b: 2\n\"a.b\": 1\n");
        Assert.Equal(new SourcePosition(3, 1), problem.Position);
        Assert.Contains("(also at 2:3)", problem.Message);
    }

    [Fact]
    public void A_literal_key_colliding_with_a_list_index_is_an_error()
    {
        var problem = Fails("a: [x]\n\"a.0\": y\n");
        Assert.Contains("key 'a.0' is defined twice after flattening (also at 1:5)", problem.Message);
    }

    [Fact]
    public void Collisions_use_the_configured_separator()
    {
        Assert.Equal(["a.b", "a:b"], Flatten("\"a.b\": 1\na: {b: 2}\n", ":").Keys);
        var problem = Fails("\"a:b\": 1\na: {b: 2}\n", ":");
        Assert.Contains("a literal ':' in a key collides with nesting", problem.Message);
    }

    [Fact]
    public void An_empty_nested_key_is_an_error()
    {
        var problem = Fails("a:\n  \"\": 1\n");
        Assert.Equal("empty key under 'a'", problem.Message);
        Assert.Equal(new SourcePosition(2, 3), problem.Position);
    }

    [Fact]
    public void An_empty_top_level_key_is_an_error_too()
    {
        // A top-level "" would become the flat key "" (or ".x" when nested), which no store can address.
        var ex = Assert.Throws<VarTrackException>(() => Flatten("\"\": 1\n"));
        Assert.Equal(new SourcePosition(1, 1), Assert.Single(ex.Problems).Position);
    }

    [Fact]
    public void An_empty_root_gives_an_empty_map()
    {
        Assert.Empty(Flatten(""));
    }
}

using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Etl;

public sealed class EnvironmentSlicerTests
{
    private const string File = "config/app.yaml";
    private static readonly string[] Declared = ["development", "staging", "production"];

    private static ConfigMap Yaml(string text) => Assert.IsType<ConfigMap>(new YamlFormatParser().Parse(SourceText.FromString(File, text)));

    /// <summary>Slices and flattens, so a whole result is one readable assertion.</summary>
    private static Dictionary<string, string?> Slice(string yaml, string environment, IReadOnlyCollection<string>? declared = null)
    {
        var sliced = EnvironmentSlicer.Slice(Yaml(yaml), environment, declared ?? Declared, File);
        return Flattener.Flatten(sliced, File).ToDictionary(e => e.Key, e => e.Value.PlainText);
    }

    private const string TopLevel = """
        name: app
        default:
          db:
            host: localhost
            port: 5432
          log: info
        production:
          db:
            host: prod-db
          log: warn
        staging:
          db:
            host: stg-db
        """;

    [Fact]
    public void Top_level_environment_block_is_deep_merged_over_default()
    {
        Assert.Equal(new Dictionary<string, string?>
        {
            ["name"] = "app",
            ["db.host"] = "prod-db",
            ["db.port"] = "5432",
            ["log"] = "warn",
        }, Slice(TopLevel, "production"));
    }

    [Fact]
    public void Other_environments_blocks_are_dropped()
    {
        var result = Slice(TopLevel, "staging");
        Assert.Equal("stg-db", result["db.host"]);
        Assert.Equal("info", result["log"]);
        Assert.DoesNotContain(result.Keys, k => k.StartsWith("production", StringComparison.Ordinal) || k.StartsWith("default", StringComparison.Ordinal));
    }

    [Fact]
    public void Keys_keep_document_order()
    {
        var sliced = EnvironmentSlicer.Slice(Yaml(TopLevel), "production", Declared, File);
        Assert.Equal(["name", "db", "log"], sliced.Entries.Select(e => e.Key));
    }

    [Fact]
    public void An_environment_without_a_block_gets_the_default_only()
    {
        Assert.Equal(new Dictionary<string, string?>
        {
            ["name"] = "app",
            ["db.host"] = "localhost",
            ["db.port"] = "5432",
            ["log"] = "info",
        }, Slice(TopLevel, "development"));
        // Also for an environment that is not declared at all (pr-42, a feature branch).
        Assert.Equal("localhost", Slice(TopLevel, "pr-42")["db.host"]);
    }

    [Fact]
    public void Nested_fields_are_sliced_and_other_keys_kept()
    {
        var yaml = """
            db:
              host: db.internal
              pool:
                default: 5
                production: 50
              options:
                default: {ssl: false, timeout: 5}
                production: {ssl: true}
                retries: 3
            name: app
            """;
        Assert.Equal(new Dictionary<string, string?>
        {
            ["db.host"] = "db.internal",
            ["db.pool"] = "50",
            ["db.options.retries"] = "3",
            ["db.options.ssl"] = "true",
            ["db.options.timeout"] = "5",
            ["name"] = "app",
        }, Slice(yaml, "production"));
        Assert.Equal("5", Slice(yaml, "staging")["db.pool"]);
        Assert.Equal("false", Slice(yaml, "staging")["db.options.ssl"]);
    }

    [Fact]
    public void A_scalar_block_becomes_the_fields_value()
    {
        const string yaml = "timeout: {default: 5, production: 10}\n";
        Assert.Equal(new Dictionary<string, string?> { ["timeout"] = "10" }, Slice(yaml, "production"));
        Assert.Equal(new Dictionary<string, string?> { ["timeout"] = "5" }, Slice(yaml, "staging"));
    }

    [Fact]
    public void A_scalar_block_with_other_keys_is_an_error()
    {
        var ex = Assert.Throws<VarTrackException>(() => Slice("db:\n  host: x\n  production: 10\n", "production"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(3, 15), problem.Position);
        Assert.Equal("environment block 'production' of 'db' is a single value, but the mapping also has other keys; make the block a mapping", problem.Message);
    }

    [Fact]
    public void A_scalar_default_block_with_other_keys_is_an_error_even_for_another_environment()
    {
        var ex = Assert.Throws<VarTrackException>(() => Slice("db:\n  host: x\n  default: 1\n  production: {a: 1}\n", "staging"));
        Assert.Contains("environment block 'default' of 'db' is a single value", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public void Lists_are_replaced_not_merged()
    {
        const string yaml = """
            default:
              hosts: [a, b, c]
            production:
              hosts: [z]
            """;
        Assert.Equal(new Dictionary<string, string?> { ["hosts.0"] = "z" }, Slice(yaml, "production"));
        Assert.Equal(new Dictionary<string, string?> { ["hosts.0"] = "a", ["hosts.1"] = "b", ["hosts.2"] = "c" }, Slice(yaml, "staging"));
    }

    [Fact]
    public void A_map_replaces_a_scalar_and_a_scalar_replaces_a_map()
    {
        const string yaml = """
            default:
              a: 1
              b: {x: 1}
            production:
              a: {y: 2}
              b: 3
            """;
        Assert.Equal(new Dictionary<string, string?> { ["a.y"] = "2", ["b"] = "3" }, Slice(yaml, "production"));
    }

    [Fact]
    public void No_default_and_no_block_for_the_environment_drops_the_field()
    {
        const string yaml = """
            keep: 1
            only_prod:
              production: secret-url
            nested:
              a: 1
              b:
                staging: 2
            """;
        Assert.Equal(new Dictionary<string, string?> { ["keep"] = "1", ["nested.a"] = "1" }, Slice(yaml, "development"));
        Assert.Equal(new Dictionary<string, string?> { ["keep"] = "1", ["only_prod"] = "secret-url", ["nested.a"] = "1" }, Slice(yaml, "production"));
    }

    [Fact]
    public void A_top_level_document_with_no_value_for_the_environment_is_empty()
    {
        var sliced = EnvironmentSlicer.Slice(Yaml("production:\n  a: 1\n"), "staging", Declared, File);
        Assert.Equal(0, sliced.Count);
    }

    [Fact]
    public void Detection_uses_only_declared_environments()
    {
        const string yaml = "db:\n  production: {host: p}\n  default: {host: d}\n";
        // Only 'development' is declared: 'production' is an ordinary key, and so is 'default' in a map that is not environment-keyed.
        Assert.Equal(new Dictionary<string, string?> { ["db.production.host"] = "p", ["db.default.host"] = "d" }, Slice(yaml, "production", ["development"]));
    }

    [Fact]
    public void A_map_with_only_a_default_key_is_not_environment_keyed()
    {
        Assert.Equal(new Dictionary<string, string?> { ["x.default"] = "1" }, Slice("x:\n  default: 1\n", "production"));
    }

    [Fact]
    public void Undeclared_environment_like_keys_are_kept()
    {
        const string yaml = "db:\n  prod: {host: p}\n  production: {host: real}\n";
        Assert.Equal(new Dictionary<string, string?> { ["db.prod.host"] = "p", ["db.host"] = "real" }, Slice(yaml, "production"));
    }

    [Fact]
    public void Environment_keyed_maps_inside_lists_are_sliced()
    {
        const string yaml = """
            servers:
              - name: a
                port:
                  default: 80
                  production: 443
              - name: b
                port: 8080
              - default: {name: c}
                production: {name: c-prod}
            """;
        Assert.Equal(new Dictionary<string, string?>
        {
            ["servers.0.name"] = "a",
            ["servers.0.port"] = "443",
            ["servers.1.name"] = "b",
            ["servers.1.port"] = "8080",
            ["servers.2.name"] = "c-prod",
        }, Slice(yaml, "production"));
        Assert.Equal("80", Slice(yaml, "staging")["servers.0.port"]);
        Assert.Equal("c", Slice(yaml, "staging")["servers.2.name"]);
    }

    [Fact]
    public void A_list_item_with_no_value_for_the_environment_becomes_null_so_indexes_stay_stable()
    {
        var result = Slice("items:\n  - a\n  - production: b\n  - c\n", "staging");
        Assert.Equal(new Dictionary<string, string?> { ["items.0"] = "a", ["items.1"] = null, ["items.2"] = "c" }, result);
    }

    [Fact]
    public void Blocks_are_sliced_recursively_after_selection()
    {
        const string yaml = """
            production:
              db:
                host: p
                pool:
                  default: 1
                  production: 9
            """;
        Assert.Equal(new Dictionary<string, string?> { ["db.host"] = "p", ["db.pool"] = "9" }, Slice(yaml, "production"));
    }

    [Fact]
    public void A_document_without_environment_keys_is_returned_unchanged()
    {
        var document = Yaml("a: 1\nb: {c: [1, 2]}\n");
        Assert.Same(document, EnvironmentSlicer.Slice(document, "production", Declared, File));
    }

    [Fact]
    public void Null_blocks_give_null_values()
    {
        Assert.Equal(new Dictionary<string, string?> { ["x"] = null }, Slice("x: {default: 1, production: ~}\n", "production"));
    }

    [Fact]
    public void DeepMerge_merges_maps_key_by_key_and_replaces_everything_else()
    {
        var merged = Assert.IsType<ConfigMap>(EnvironmentSlicer.DeepMerge(Yaml("a: {x: 1, y: 2}\nb: [1]\nc: 1\n"), Yaml("a: {y: 3, z: 4}\nb: [2]\nd: 5\n")));
        var flat = Flattener.Flatten(merged, File).ToDictionary(e => e.Key, e => e.Value.PlainText);
        Assert.Equal(new Dictionary<string, string?> { ["a.x"] = "1", ["a.y"] = "3", ["a.z"] = "4", ["b.0"] = "2", ["c"] = "1", ["d"] = "5" }, flat);
    }
}

using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Tests.Etl;

public sealed class VariableMapperTests
{
    private const string File = "config/app.yaml";

    private static readonly TemplateValues Values = new("production", "app", File) { Tenant = "acme", Branch = "main", Repository = "org/repo" };

    /// <summary>The shorthand form <c>TARGET: text</c> exactly as the config loader builds it.</summary>
    private static VariableMapping Shorthand(string target, string text)
    {
        var template = TemplateString.Parse(text);
        return new VariableMapping(target) { Value = template, From = template.HasPlaceholders ? null : text, IsShorthand = true };
    }

    private static VariableMapping From(string target, string from) => new(target) { From = from };

    private static VariableMapping Inject(string target, string value) => new(target) { Value = TemplateString.Parse(value) };

    private static FlatMap Input()
    {
        var map = new FlatMap();
        map.Add("db.host", FlatValue.Text("db.internal"), new SourcePosition(2, 3));
        map.Add("db.port", FlatValue.Text("5432"), new SourcePosition(3, 3));
        map.Add("name", FlatValue.Null, new SourcePosition(4, 1));
        return map;
    }

    private static FlatMap Apply(params VariableMapping[] variables) => VariableMapper.Apply(Input(), variables, Values, File, "app");

    private static IReadOnlyList<Problem> Fails(params VariableMapping[] variables) =>
        Assert.Throws<VarTrackException>(() => Apply(variables)).Problems;

    [Fact]
    public void No_variables_returns_the_input()
    {
        var input = Input();
        Assert.Same(input, VariableMapper.Apply(input, [], Values, File));
    }

    [Fact]
    public void Shorthand_naming_an_existing_key_renames_it()
    {
        var result = Apply(Shorthand("DB_HOST", "db.host"));
        Assert.Equal(["DB_HOST", "db.port", "name"], result.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("db.internal", result["DB_HOST"].PlainText);
        Assert.Equal(new SourcePosition(2, 3), result.OriginOf("DB_HOST"));
        Assert.False(result.ContainsKey("db.host"));
    }

    [Fact]
    public void Renaming_keeps_null_values_null()
    {
        var result = Apply(Shorthand("APP_NAME", "name"));
        Assert.True(result["APP_NAME"].IsNull);
    }

    [Fact]
    public void Shorthand_not_naming_a_key_injects_a_constant()
    {
        var result = Apply(Shorthand("REGION", "eu-west-1"));
        Assert.Equal(["db.host", "db.port", "name", "REGION"], result.Keys);
        Assert.Equal("eu-west-1", result["REGION"].PlainText);
    }

    [Fact]
    public void Templates_are_filled_with_the_sync_values()
    {
        var result = Apply(
            Shorthand("APP_ENV", "{env}"),
            Shorthand("TENANT", "{tenant}"),
            Shorthand("RULE", "{rule}"),
            Shorthand("SOURCE", "{file}"),
            Shorthand("BRANCH", "{branch}"),
            Inject("ID", "{tenant}-{env}-{repository}"));
        Assert.Equal("production", result["APP_ENV"].PlainText);
        Assert.Equal("acme", result["TENANT"].PlainText);
        Assert.Equal("app", result["RULE"].PlainText);
        Assert.Equal(File, result["SOURCE"].PlainText);
        Assert.Equal("main", result["BRANCH"].PlainText);
        Assert.Equal("acme-production-org/repo", result["ID"].PlainText);
    }

    [Fact]
    public void A_placeholder_without_a_value_renders_empty()
    {
        var values = new TemplateValues("pr-42", "app", File);
        var result = VariableMapper.Apply(Input(), [Shorthand("BRANCH", "b-{branch}")], values, File);
        Assert.Equal("b-", result["BRANCH"].PlainText);
    }

    [Fact]
    public void Explicit_from_renames()
    {
        var result = Apply(From("PORT", "db.port"));
        Assert.Equal("5432", result["PORT"].PlainText);
        Assert.False(result.ContainsKey("db.port"));
    }

    [Fact]
    public void Explicit_value_injects_even_when_it_names_a_key()
    {
        var result = Apply(Inject("LITERAL", "db.host"));
        Assert.Equal("db.host", result["LITERAL"].PlainText);
        Assert.True(result.ContainsKey("db.host"));
    }

    [Fact]
    public void Mappings_apply_in_order()
    {
        var result = Apply(Shorthand("HOST", "db.host"), Shorthand("H2", "HOST"));
        Assert.Equal("db.internal", result["H2"].PlainText);
        Assert.False(result.ContainsKey("HOST"));
    }

    [Fact]
    public void Renaming_a_key_onto_itself_changes_nothing()
    {
        var result = Apply(From("db.host", "db.host"));
        Assert.Equal(Input().Keys, result.Keys);
    }

    [Fact]
    public void The_input_is_not_changed()
    {
        var input = Input();
        VariableMapper.Apply(input, [Shorthand("DB_HOST", "db.host")], Values, File);
        Assert.True(input.ContainsKey("db.host"));
        Assert.False(input.ContainsKey("DB_HOST"));
    }

    [Fact]
    public void Renaming_onto_an_existing_key_is_an_error()
    {
        var problem = Assert.Single(Fails(From("db.port", "db.host")));
        Assert.Equal("variables_map renames 'db.host' onto 'db.port', which the document already defines", problem.Message);
        Assert.Equal(File, problem.File);
        Assert.Equal("app", problem.Rule);
        Assert.Equal(new SourcePosition(3, 3), problem.Position);
    }

    [Fact]
    public void Injecting_onto_an_existing_key_is_an_error()
    {
        var problem = Assert.Single(Fails(Inject("db.port", "1")));
        Assert.Equal("variables_map injects 'db.port', which the document already defines", problem.Message);
        Assert.Equal(new SourcePosition(3, 3), problem.Position);
    }

    [Fact]
    public void Explicit_from_naming_a_missing_key_is_an_error()
    {
        var problem = Assert.Single(Fails(From("X", "db.user")));
        Assert.Equal("variables_map renames 'db.user' to 'X', but the document has no key 'db.user'", problem.Message);
        Assert.Equal("app", problem.Rule);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problems = Fails(From("X", "missing1"), Inject("db.port", "1"), From("db.host", "name"), From("Y", "missing2"), Shorthand("OK", "fine"));
        Assert.Equal(4, problems.Count);
        Assert.Contains("'missing1'", problems[0].Message);
        Assert.Contains("injects 'db.port'", problems[1].Message);
        Assert.Contains("renames 'name' onto 'db.host'", problems[2].Message);
        Assert.Contains("'missing2'", problems[3].Message);
    }

    [Fact]
    public void Mappings_loaded_from_config_behave_the_same()
    {
        var config = VarTrackConfigLoader.Parse("""
            rules:
              - name: app
                variables_map:
                  DB_HOST: db.host
                  REGION: eu-west-1
                  APP_ENV: "{env}"
                  PORT: {from: db.port}
                  RAW: {value: "db.host"}
            """, "vartrack.yaml", Path.GetTempPath());
        var result = VariableMapper.Apply(Input(), Assert.Single(config.Rules).Variables, Values, File);
        Assert.Equal(["APP_ENV", "DB_HOST", "PORT", "RAW", "REGION", "name"], result.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("db.internal", result["DB_HOST"].PlainText);
        Assert.Equal("eu-west-1", result["REGION"].PlainText);
        Assert.Equal("production", result["APP_ENV"].PlainText);
        Assert.Equal("5432", result["PORT"].PlainText);
        Assert.Equal("db.host", result["RAW"].PlainText);
    }
}

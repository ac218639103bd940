using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;

namespace VarTrack.Core.Tests.Etl;

public sealed class SchemaValidatorTests : IDisposable
{
    private const string File = "config/app.yaml";
    private const string SchemaFile = "schemas/app.json";
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-schema-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string AppSchema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "required": ["name", "db"],
          "properties": {
            "name": { "type": "string" },
            "replicas": { "type": "integer", "minimum": 1 },
            "debug": { "type": "boolean" },
            "ratio": { "type": "number" },
            "db": {
              "type": "object",
              "required": ["host"],
              "properties": {
                "host": { "type": "string" },
                "port": { "type": "integer" }
              }
            },
            "hosts": { "type": "array", "items": { "type": "string" } }
          }
        }
        """;

    private static ConfigMap Yaml(string text) => Assert.IsType<ConfigMap>(new YamlFormatParser().Parse(SourceText.FromString(File, text)));

    private static async Task<IReadOnlyList<Problem>> Validate(string yaml, string schema = AppSchema)
    {
        var validator = await SchemaValidator.ParseAsync(schema, SchemaFile);
        return validator.Validate(Yaml(yaml), File);
    }

    [Fact]
    public async Task A_valid_document_has_no_problems()
    {
        Assert.Empty(await Validate("name: app\nreplicas: 3\ndebug: true\nratio: 1.50\ndb:\n  host: x\n  port: 5432\nhosts: [a, b]\n"));
    }

    [Fact]
    public async Task Plain_numbers_are_numbers_and_quoted_numbers_are_strings()
    {
        Assert.Empty(await Validate("name: app\ndb:\n  host: x\n  port: 5432\n"));
        var problem = Assert.Single(await Validate("name: app\ndb:\n  host: x\n  port: \"5432\"\n"));
        Assert.Equal("db.port", problem.Key);
        Assert.Equal(File, problem.File);
        Assert.Equal(new SourcePosition(4, 9), problem.Position);
        Assert.Equal($"schema {SchemaFile}: integer expected", problem.Message);
    }

    [Fact]
    public async Task A_plain_number_where_a_string_is_expected_is_a_violation()
    {
        var problem = Assert.Single(await Validate("name: 5432\ndb: {host: x}\n"));
        Assert.Equal("name", problem.Key);
        Assert.Equal($"schema {SchemaFile}: string expected", problem.Message);
        Assert.Equal(new SourcePosition(1, 7), problem.Position);
    }

    [Fact]
    public async Task Every_violation_is_reported_with_key_path_and_position()
    {
        var problems = await Validate("""
            name: app
            replicas: 0
            debug: "yes"
            db:
              port: abc
            hosts: [a, 5]
            """);
        // hosts.1 also gets NJsonSchema's wrapper "array item not valid"; take the first problem per key.
        var byKey = problems.GroupBy(p => p.Key ?? "").ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(["replicas", "debug", "db", "db.port", "hosts.1"], byKey.Keys);
        Assert.Equal(new SourcePosition(2, 11), byKey["replicas"].Position);
        Assert.Contains("number too small", byKey["replicas"].Message);
        Assert.Equal(new SourcePosition(3, 8), byKey["debug"].Position);
        Assert.Contains("boolean expected", byKey["debug"].Message);
        Assert.Equal(new SourcePosition(5, 9), byKey["db.port"].Position);
        Assert.Contains("integer expected", byKey["db.port"].Message);
        Assert.Equal(new SourcePosition(6, 12), byKey["hosts.1"].Position);
        Assert.Contains("string expected", byKey["hosts.1"].Message);
        // The missing db.host is reported on 'db' (the object that lacks it).
        Assert.Equal($"schema {SchemaFile}: property required 'host'", byKey["db"].Message);
        Assert.Equal(new SourcePosition(5, 3), byKey["db"].Position);
        Assert.All(problems, p => Assert.Equal(File, p.File));
    }

    [Fact]
    public async Task Key_paths_inside_lists_of_objects_use_flat_key_form()
    {
        const string schema = """
            {"type": "object", "properties": {"servers": {"type": "array", "items": {
              "type": "object", "required": ["name"], "properties": {"port": {"type": "integer"}}}}}}
            """;
        var problems = await Validate("servers:\n  - name: a\n    port: x\n  - port: 1\n", schema);
        var byKey = problems.GroupBy(p => p.Key ?? "").ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToList());
        Assert.Contains($"schema {SchemaFile}: integer expected", byKey["servers.0.port"]);
        Assert.Contains($"schema {SchemaFile}: property required 'name'", byKey["servers.1"]);
        Assert.Equal(new SourcePosition(3, 11), problems.First(p => p.Key == "servers.0.port").Position);
    }

    [Fact]
    public async Task A_missing_top_level_property_is_reported_without_a_key()
    {
        var problem = Assert.Single(await Validate("db: {host: x}\n"));
        Assert.Equal($"schema {SchemaFile}: property required 'name'", problem.Message);
        Assert.Null(problem.Key);
        Assert.Equal(new SourcePosition(1, 1), problem.Position);
    }

    [Fact]
    public async Task Booleans_nulls_and_numbers_are_typed()
    {
        const string schema = """
            {"type": "object", "properties": {
              "a": {"type": "boolean"}, "b": {"type": "null"}, "c": {"type": "integer"}, "d": {"type": "number"},
              "e": {"type": "string"}, "f": {"type": "integer"}, "g": {"type": "number"}, "h": {"type": "integer"}
            }}
            """;
        Assert.Empty(await Validate("a: True\nb: ~\nc: 1_000\nd: 1e3\ne: 2024-01-02\nf: 0x1F\ng: -0.5\nh: 0755\n", schema));
        Assert.Equal(["a", "b", "c", "d"], (await Validate("a: 'true'\nb: ''\nc: '1'\nd: 'x'\n", schema)).Select(p => p.Key));
    }

    [Theory]
    [InlineData("integer")]
    [InlineData("number")]
    public async Task A_30_digit_integer_is_validated_not_a_crash(string type)
    {
        // Today the BigInteger JValue makes NJsonSchema throw InvalidCastException ("Object must implement IConvertible").
        var schema = """{"type": "object", "properties": {"big": {"type": "TYPE", "minimum": 0}}}""".Replace("TYPE", type, StringComparison.Ordinal);
        var validator = await SchemaValidator.ParseAsync(schema, SchemaFile);
        var thrown = Record.Exception(() => validator.Validate(Yaml("big: 123456789012345678901234567890\n"), File));
        Assert.Null(thrown);
        Assert.Empty(validator.Validate(Yaml("big: 123456789012345678901234567890\n"), File));
        Assert.NotEmpty(validator.Validate(Yaml("big: -123456789012345678901234567890\n"), File)); // below the minimum
    }

    [Fact]
    public async Task A_schema_with_invalid_json_is_an_error_naming_it()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.ParseAsync("{ \"type\": ", SchemaFile));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal(SchemaFile, problem.File);
        Assert.StartsWith("not a valid JSON Schema: ", problem.Message);
        // Newtonsoft reports this as a JsonSerializationException, which also carries line and position.
        Assert.Equal(new VarTrack.Core.Formats.SourcePosition(1, 10), problem.Position);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{\"$ref\": \"missing.json\"}")]
    public async Task Json_that_is_not_a_schema_is_an_error_naming_it(string json)
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.ParseAsync(json, SchemaFile, _folder));
        Assert.Equal(SchemaFile, Assert.Single(ex.Problems).File);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    public async Task An_empty_or_null_schema_is_an_error_naming_it(string json)
    {
        // Today ParseAsync accepts these (NJsonSchema returns no schema) and Validate then throws NullReferenceException.
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.ParseAsync(json, SchemaFile, _folder));
        Assert.Equal(SchemaFile, Assert.Single(ex.Problems).File);
    }

    [Theory]
    [InlineData("{\"type\": 5}")]
    [InlineData("{\"type\": \"nonsense\"}")]
    [InlineData("{\"required\": \"name\"}")]
    public async Task A_schema_with_invalid_keyword_values_is_an_error_naming_it(string json)
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.ParseAsync(json, SchemaFile, _folder));
        Assert.Equal(SchemaFile, Assert.Single(ex.Problems).File);
    }

    [Fact]
    public async Task Every_misshapen_keyword_is_reported_with_its_location_and_valid_schemas_pass()
    {
        const string bad = """{"type":"object","properties":{"port":{"type":"int","minimum":"1"},"tags":{"items":{"pattern":"(["}}},"anyOf":[]}""";
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.ParseAsync(bad, SchemaFile, _folder));
        var messages = ex.Problems.Select(p => p.Message).ToList();
        Assert.Equal(4, messages.Count);
        Assert.Contains(messages, m => m.Contains("at #/properties/port/type:"));
        Assert.Contains(messages, m => m.Contains("at #/properties/port/minimum:"));
        Assert.Contains(messages, m => m.Contains("at #/properties/tags/items/pattern:"));
        Assert.Contains(messages, m => m.Contains("at #/anyOf:"));
        Assert.All(ex.Problems, p => Assert.Equal(SchemaFile, p.File));

        const string good = """{"type":["object","null"],"required":["a"],"properties":{"a":{"type":"integer","minimum":0,"maxLength":3}},"items":[{"type":"string"}],"additionalProperties":false,"oneOf":[{},{"enum":[1,2]}]}""";
        Assert.NotNull(await SchemaValidator.ParseAsync(good, SchemaFile, _folder));
    }

    [Fact]
    public async Task LoadAsync_reads_a_schema_file()
    {
        var path = Path.Combine(_folder, "app.json");
        await System.IO.File.WriteAllTextAsync(path, AppSchema);
        var validator = await SchemaValidator.LoadAsync(path, SchemaFile);
        Assert.Equal(SchemaFile, validator.SchemaFile);
        Assert.Single(validator.Validate(Yaml("db: {host: x}\n"), File));
    }

    [Fact]
    public async Task LoadAsync_resolves_refs_relative_to_the_schema_file()
    {
        await System.IO.File.WriteAllTextAsync(Path.Combine(_folder, "port.json"), "{\"type\": \"integer\"}");
        var path = Path.Combine(_folder, "app.json");
        await System.IO.File.WriteAllTextAsync(path, "{\"type\": \"object\", \"properties\": {\"port\": {\"$ref\": \"port.json\"}}}");
        var validator = await SchemaValidator.LoadAsync(path, SchemaFile);
        Assert.Empty(validator.Validate(Yaml("port: 1\n"), File));
        Assert.Equal("port", Assert.Single(validator.Validate(Yaml("port: x\n"), File)).Key);
    }

    [Fact]
    public async Task LoadAsync_of_an_invalid_schema_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_folder, "bad.json");
        await System.IO.File.WriteAllTextAsync(path, "{\n  \"type\": \"object\"\n  \"x\": 1\n}");
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.LoadAsync(path, "schemas/bad.json"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal("schemas/bad.json", problem.File);
        Assert.StartsWith("not a valid JSON Schema", problem.Message);
        Assert.Equal(3, problem.Position.Line);
    }

    [Fact]
    public async Task LoadAsync_of_a_missing_file_is_an_error_naming_it()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => SchemaValidator.LoadAsync(Path.Combine(_folder, "nope.json"), "schemas/nope.json"));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal("schemas/nope.json", problem.File);
        Assert.StartsWith("cannot read schema", problem.Message);
    }

    [Fact]
    public async Task OneOf_failures_report_the_branch_errors_too()
    {
        const string schema = """{"type": "object", "properties": {"port": {"oneOf": [{"type": "integer"}, {"type": "null"}]}}}""";
        var problems = await Validate("port: abc\n", schema);
        Assert.All(problems, p => Assert.Equal("port", p.Key));
        Assert.Contains(problems, p => p.Message.Contains("integer expected", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("not one of", StringComparison.Ordinal) || p.Message.Contains("one of", StringComparison.Ordinal));
    }
}

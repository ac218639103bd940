using System.Text;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Formats;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Etl;

public sealed class ConfigPipelineTests : IDisposable
{
    private const string File = "config/app.yaml";
    private const string Value = "s3cr3t-VALUE-xyz";
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-pipeline-").FullName;
    private readonly VarTrackConfig _config;

    private sealed class FakeSecretStore : ISecretStore
    {
        public int Reads;

        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Reads);
            if (path != "kv/app/db") throw new SecretStoreException(path, $"secret '{path}' not found") { NotFound = true };
            IReadOnlyDictionary<string, SecretValue> data = new Dictionary<string, SecretValue> { ["password"] = new(Value), ["user"] = new("app") };
            return Task.FromResult(data);
        }
    }

    private const string AppSchema = """
        {
          "type": "object",
          "required": ["db"],
          "properties": {
            "db": {
              "type": "object",
              "required": ["host"],
              "properties": { "host": {"type": "string"}, "port": {"type": "integer"}, "password": {"type": "string"} }
            },
            "timeout": {"type": "integer"},
            "features": {"type": "array", "items": {"type": "string"}}
          }
        }
        """;

    private const string Document = """
        ignored: true
        vartrack:
          default:
            db:
              host: localhost
              port: "not-a-number"
              password: "@secret(kv/app/db#password)"
            timeout: soon
          production:
            db:
              host: prod-db
              port: 5432
            timeout: 30
          staging:
            db:
              port: 6543
            timeout: 10
          features: [a, b]
        """;

    public ConfigPipelineTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "schemas"));
        System.IO.File.WriteAllText(Path.Combine(_folder, "schemas", "app.json"), AppSchema);
        System.IO.File.WriteAllText(Path.Combine(_folder, "schemas", "tenant.json"), """{"type": "object", "required": ["tenant_marker"]}""");
        _config = VarTrackConfigLoader.Parse("""
            tenants:
              acme:
                schema: schemas/tenant.json
            rules:
              - name: app
                tenant: acme
                environments: [staging, production]
                environment:
                  branch_map:
                    main: production
                variables_map:
                  DB_PASSWORD: db.password
                  APP_ENV: "{env}"
                  SOURCE: "{tenant}/{rule}/{file}@{branch}"
                schema: schemas/app.json
              - name: tenant-only
                tenant: acme
              - name: plain
                root_key: settings
                separator: ":"
                variables_map:
                  WHOLE: "@secret(kv/app/db)"
            """, "vartrack.yaml", _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private RuleDefinition Rule(string name) => _config.Rules.Single(r => r.Name == name);

    private RenderRequest Request(string rule = "app", string document = Document, SourceRef? source = null, string? environment = null) =>
        new(File, Encoding.UTF8.GetBytes(document), Rule(rule), source ?? SourceRef.Branch("main")) { Environment = environment, Repository = "org/repo" };

    private static Dictionary<string, string?> Shown(RenderedFile file) => file.Values.ToDictionary(e => e.Key, e => e.Value.Display);

    [Fact]
    public async Task Transform_runs_every_step_but_keeps_secret_references()
    {
        var store = new FakeSecretStore();
        var rendered = await new ConfigPipeline(_config, store).TransformAsync(Request());
        Assert.Equal(File, rendered.File);
        Assert.Equal("app", rendered.Rule);
        Assert.Equal("production", rendered.Environment);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["db.host"] = "prod-db",
            ["db.port"] = "5432",
            ["DB_PASSWORD"] = "@secret(kv/app/db#password)",
            ["timeout"] = "30",
            ["features.0"] = "a",
            ["features.1"] = "b",
            ["APP_ENV"] = "production",
            ["SOURCE"] = "acme/app/config/app.yaml@main",
        }, Shown(rendered));
        Assert.Equal(["DB_PASSWORD"], rendered.UnresolvedSecretKeys);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Render_resolves_secrets_after_variables_map()
    {
        var store = new FakeSecretStore();
        var rendered = await new ConfigPipeline(_config, store).RenderAsync(Request());
        Assert.Empty(rendered.UnresolvedSecretKeys);
        Assert.True(rendered.Values["DB_PASSWORD"].IsSecret);
        Assert.Equal(Value, rendered.Values["DB_PASSWORD"].Reveal());
        Assert.Equal("***", rendered.Values["DB_PASSWORD"].Display);
        Assert.Equal("prod-db", rendered.Values["db.host"].PlainText);
        Assert.Equal(1, store.Reads);
        Assert.DoesNotContain(Value, string.Join(",", rendered.Values.Select(v => v.Value.ToString())));
    }

    [Fact]
    public async Task Render_without_references_does_not_need_a_store()
    {
        var rule = Rule("plain") with { Variables = [] };
        var request = new RenderRequest(File, Encoding.UTF8.GetBytes("settings:\n  a: {b: 1}\n"), rule, SourceRef.None);
        var rendered = await new ConfigPipeline(_config).RenderAsync(request);
        Assert.Equal(["a:b"], rendered.Values.Keys);
        Assert.Equal("default", rendered.Environment);
    }

    [Fact]
    public async Task Render_fails_as_a_whole_when_a_secret_cannot_be_resolved()
    {
        var pipeline = new ConfigPipeline(_config);
        await pipeline.TransformAsync(Request()); // no store needed without secrets
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => pipeline.RenderAsync(Request()));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal("DB_PASSWORD", problem.Key);
        Assert.Equal("app", problem.Rule);
        Assert.Equal(File, problem.File);
        Assert.Contains("no vault is configured", problem.Message);
    }

    [Fact]
    public async Task Whole_secret_references_expand_with_the_rules_separator()
    {
        var rendered = await new ConfigPipeline(_config, new FakeSecretStore()).RenderAsync(Request("plain", "settings:\n  a: {b: 1}\n"));
        Assert.Equal(["a:b", "WHOLE:password", "WHOLE:user"], rendered.Values.Keys);
    }

    [Fact]
    public async Task The_environment_comes_from_the_ref_or_the_request()
    {
        var pipeline = new ConfigPipeline(_config);
        Assert.Equal("6543", (await pipeline.TransformAsync(Request(source: SourceRef.Branch("staging")))).Values["db.port"].PlainText);
        var forced = await pipeline.TransformAsync(Request(source: SourceRef.Branch("main"), environment: "staging"));
        Assert.Equal("staging", forced.Environment);
        Assert.Equal("staging", forced.Values["APP_ENV"].PlainText);
        var tag = await pipeline.TransformAsync(Request(source: SourceRef.Tag("production")));
        Assert.Equal("acme/app/config/app.yaml@", tag.Values["SOURCE"].PlainText);
    }

    [Fact]
    public async Task An_invalid_requested_environment_is_an_error_naming_the_rule()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new ConfigPipeline(_config).TransformAsync(Request(environment: "no/slash")));
        var problem = Assert.Single(ex.Problems);
        Assert.Equal("app", problem.Rule);
        Assert.Equal(File, problem.File);
        Assert.StartsWith("environment 'no/slash' is invalid", problem.Message);
    }

    [Fact]
    public async Task An_unresolvable_environment_is_an_error()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new ConfigPipeline(_config).TransformAsync(Request(source: SourceRef.Branch("feature/x"))));
        Assert.Contains("environment 'feature/x'", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public async Task Schema_failure_reports_every_violation_and_returns_nothing()
    {
        // 'development' is not declared: only the default block applies, whose port and timeout are not integers.
        var store = new FakeSecretStore();
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new ConfigPipeline(_config, store).RenderAsync(Request(environment: "development")));
        Assert.Equal(["db.port", "timeout"], ex.Problems.Select(p => p.Key));
        Assert.All(ex.Problems, p =>
        {
            Assert.Equal("app", p.Rule);
            Assert.Equal(File, p.File);
            Assert.Contains("schema schemas/app.json: integer expected", p.Message);
        });
        Assert.Equal(new SourcePosition(6, 13), ex.Problems[0].Position);
        Assert.Equal(new SourcePosition(8, 14), ex.Problems[1].Position);
        Assert.Equal(0, store.Reads);
    }

    [Fact]
    public async Task Schema_validation_sees_the_sliced_nested_document()
    {
        // In production the integer port replaces the default's string, so the schema passes; a flat or unsliced
        // document would fail it.
        var rendered = await new ConfigPipeline(_config).TransformAsync(Request(source: SourceRef.Branch("main")));
        Assert.Equal("5432", rendered.Values["db.port"].PlainText);
    }

    [Fact]
    public async Task The_tenants_schema_applies_when_the_rule_has_none()
    {
        var pipeline = new ConfigPipeline(_config);
        Assert.Equal("schemas/tenant.json", pipeline.SchemaFor(Rule("tenant-only")));
        Assert.Equal("schemas/app.json", pipeline.SchemaFor(Rule("app")));
        Assert.Null(pipeline.SchemaFor(Rule("plain")));
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => pipeline.TransformAsync(Request("tenant-only", "vartrack:\n  a: 1\n")));
        Assert.Equal("schema schemas/tenant.json: property required 'tenant_marker'", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public async Task A_required_root_key_missing_is_an_error()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new ConfigPipeline(_config).TransformAsync(Request("plain", "other: 1\n")));
        Assert.Equal("root key 'settings' is not in the document (the rule sets root_key: settings)", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public async Task Parse_errors_name_the_file()
    {
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => new ConfigPipeline(_config).TransformAsync(Request(document: "a: [\n")));
        Assert.Equal(File, Assert.Single(ex.Problems).File);
    }

    [Fact]
    public async Task The_rules_format_overrides_the_extension()
    {
        var rule = Rule("plain") with { Format = ConfigFormat.Yaml };
        var request = new RenderRequest("config/app.conf", Encoding.UTF8.GetBytes("settings:\n  a: 1\n"), rule, SourceRef.None);
        var rendered = await new ConfigPipeline(_config, new FakeSecretStore()).RenderAsync(request);
        Assert.Equal("1", rendered.Values["a"].PlainText);
    }

    [Fact]
    public async Task The_pipeline_uses_its_reader_limits()
    {
        var pipeline = new ConfigPipeline(_config, reader: new ConfigFileReader(maxBytes: 8));
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => pipeline.TransformAsync(Request()));
        Assert.Contains("limit for config files", Assert.Single(ex.Problems).Message);
    }

    [Fact]
    public async Task Schemas_are_loaded_once()
    {
        var pipeline = new ConfigPipeline(_config);
        var first = await pipeline.LoadSchemaAsync("schemas/app.json");
        Assert.Same(first, await pipeline.LoadSchemaAsync("schemas/app.json"));
    }

    [Fact]
    public async Task A_cancelled_first_call_does_not_poison_the_schema_cache()
    {
        var pipeline = new ConfigPipeline(_config);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.TransformAsync(Request(), cancelled.Token));
        // A later call that is not cancelled must work.
        var rendered = await pipeline.TransformAsync(Request());
        Assert.Equal("production", rendered.Environment);
    }
}

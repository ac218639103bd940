using System.Text.Json;

namespace VarTrack.Core.Tests.Cli;

/// <summary>Runs vt in-process in a temporary project folder and checks output and exit codes.</summary>
public sealed class VtCliTests : IDisposable
{
    private readonly VtProject _project = new();

    public void Dispose() => _project.Dispose();

    private void Write(string relative, string text) => _project.Write(relative, text);

    private Task<(int Code, string Out, string Err)> Vt(params string[] args) => _project.RunAsync(args);


    [Fact]
    public async Task Render_without_config_uses_defaults_and_keeps_text_as_written()
    {
        Write("app.yaml", "vartrack:\n  price: 1.50\n  mode: 0755\n  flag: on\n  none: ~\n  empty: \"\"\n  default: {db: {host: a, port: 1}}\n  production: {db: {host: b}}\n");
        var (code, output, error) = await Vt("render", "app.yaml", "--env", "production");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("price = 1.50\n", output);
        Assert.Contains("mode = 0755\n", output);
        Assert.Contains("flag = on\n", output);
        Assert.Contains("none = null\n", output);
        Assert.Contains("empty = \"\"\n", output);
        Assert.Contains("db.host = b\n", output);
        Assert.Contains("db.port = 1\n", output);
        Assert.Contains("env=production", output);
    }

    [Fact]
    public async Task Render_json_output_is_machine_readable()
    {
        Write("app.yaml", "vartrack:\n  a: 1\n  b: ~\n");
        var (code, output, _) = await Vt("render", "app.yaml", "-e", "staging", "-o", "json");
        Assert.Equal(0, code);
        var result = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal("staging", result.GetProperty("environment").GetString());
        Assert.Equal("1", result.GetProperty("values").GetProperty("a").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("values").GetProperty("b").ValueKind);
    }

    [Fact]
    public async Task Ref_resolves_environment_like_a_webhook()
    {
        Write("vartrack.yaml", "rules:\n  - name: app\n    files: ['*.yaml']\n    environment:\n      branch_map: {main: production}\n");
        Write("app.yaml", "vartrack:\n  x: 1\n");
        Assert.Contains("env=production", (await Vt("render", "app.yaml", "--ref", "refs/heads/main")).Out);
        Assert.Contains("env=v1.2.3", (await Vt("render", "app.yaml", "--ref", "refs/tags/v1.2.3")).Out);
        Assert.Contains("env=pr-42", (await Vt("render", "app.yaml", "--ref", "refs/pull/42/head")).Out);
        var invalid = await Vt("render", "app.yaml", "--ref", "refs/heads/feature/x");
        Assert.Equal(1, invalid.Code);
        Assert.Contains("'feature/x'", invalid.Err);
    }

    [Fact]
    public async Task Malformed_file_is_one_line_error_with_position_and_exit_1()
    {
        Write("bad.yaml", "vartrack:\n  a: 1\n  a: 2\n");
        var (code, output, error) = await Vt("render", "bad.yaml", "--env", "production");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal("error: bad.yaml:3:3: duplicate key 'a' (first defined at 2:3)", error.Trim());
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("render")]
    [InlineData("render", "missing.yaml", "--env", "x")]
    [InlineData("plan", "app.yaml", "--output", "xml")]
    [InlineData("frobnicate")]
    [InlineData("render", "app.yaml", "--rule", "nope")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        Write("app.yaml", "a: 1\n");
        var (code, _, error) = await Vt(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error);
    }

    [Fact]
    public async Task Plan_masks_secrets_and_diffs_against_current_state()
    {
        Write("vartrack.yaml", """
            vault:
              address: http://127.0.0.1:1
              auth: { method: token, token: "${VAULT_TOKEN}" }
            sinks:
              cache: { type: redis, connection: "${REDIS_URL}", destination: "cfg:{env}" }
            rules:
              - name: app
                files: ["app.yaml"]
                sinks: [cache]
                prune: true
                protect: ["SYSTEM_*"]
            """);
        Write("app.yaml", "vartrack:\n  db:\n    host: new\n    password: \"@secret(secret/app/db#password)\"\n  same: 1\n");
        Write("current.json", $$"""{"values": {"db.host": "old", "same": "1", "gone": "x", "SYSTEM_ID": "7"}, "owned_keys": ["db.host", "gone", "SYSTEM_ID"]}""");
        var (code, output, error) = await Vt("plan", "app.yaml", "--env", "production", "--current", "current.json");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("sink=cache (redis)  destination=cfg:production", output);
        Assert.Contains("~ db.host: old -> new", output);
        Assert.Contains("- gone (was x)", output);
        Assert.Contains("! SYSTEM_ID kept (protected)", output);
        Assert.Contains("1 to add, 1 to change, 1 to remove, 0 to rewrite, 1 unchanged", output);
        Assert.DoesNotContain(VtProject.SecretText, output);
        Assert.Contains("+ db.password = ***", output);
    }

    [Fact]
    public async Task Unresolvable_secret_fails_the_plan_naming_key_and_reference()
    {
        Write("app.yaml", "vartrack:\n  token: \"@secret(secret/app/missing#token)\"\n");
        var (code, output, error) = await Vt("plan", "app.yaml", "--env", "production");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("key 'token'", error);
        Assert.Contains("@secret(secret/app/missing#token)", error);
    }

    [Fact]
    public async Task Validate_reports_every_config_problem_at_once()
    {
        Write("vartrack.yaml", """
            sinks:
              cache: { type: redis, connection: x, destination: "cfg:{nope}" }
            rules:
              - name: app
                files: ["[unclosed"]
                sinks: [cache, missing]
                stratgy: auto
            """);
        var (code, _, error) = await Vt("validate");
        Assert.Equal(1, code);
        var lines = error.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.Contains("vartrack.yaml:2:") && l.Contains("unknown placeholder '{nope}'"));
        Assert.Contains(lines, l => l.Contains("vartrack.yaml:5:") && l.Contains("bad glob '[unclosed'"));
        Assert.Contains(lines, l => l.Contains("vartrack.yaml:6:") && l.Contains("sink 'missing'"));
        Assert.Contains(lines, l => l.Contains("vartrack.yaml:7:") && l.Contains("did you mean 'strategy'"));
    }

    [Fact]
    public async Task Validate_checks_every_tracked_file_in_every_environment_against_the_schema()
    {
        Write("schema.json", """{"type":"object","properties":{"port":{"type":"integer"}}}""");
        Write("vartrack.yaml", "rules:\n  - name: app\n    files: ['configs/*.yaml']\n    schema: schema.json\n    environments: [staging, production]\n");
        Write("configs/good.yaml", "vartrack:\n  port: 80\n");
        Write("configs/bad.yaml", "vartrack:\n  port: 80\n  production:\n    port: eighty\n");
        Write("other/ignored.yaml", "{{{ not yaml");
        var (code, output, error) = await Vt("validate");
        Assert.Equal(1, code);
        Assert.Contains("2 tracked file(s), 1 problem(s)", output);
        Assert.Contains("configs/bad.yaml:4:11", error);
        Assert.Contains("key 'port'", error);

        File.WriteAllText(Path.Combine(_project.Directory, "configs/bad.yaml"), "vartrack:\n  port: 81\n");
        var again = await Vt("validate");
        Assert.Equal(0, again.Code);
        Assert.Contains("ok:", again.Out);
    }
}

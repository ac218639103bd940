using System.Text.Json;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt sync</c>, <c>vt status</c> and live <c>vt plan</c> end to end in-process, with the real file sink in a
/// temporary project (no services needed): exact diffs, drift, healing, secrets masked, failures named.
/// </summary>
public sealed class VtSyncTests : IDisposable
{
    private readonly VtProject _project = new();

    public VtSyncTests()
    {
        Write("vartrack.yaml", """
            version: 1
            sinks:
              files:
                type: file
                format: env
                destination: "out/{env}/{rule}.env"
              missing_project.Directory:
                type: file
                format: json
                destination: "nowhere/{env}.json"
            rules:
              - name: app
                files: ["configs/*.yaml"]
                sinks: [files, missing_project.Directory]
                prune: true
            """);
        Write("configs/app.yaml", "vartrack:\n  db:\n    host: db.internal\n    password: \"@secret(secret/app/db#password)\"\n  port: 8080\n  old: x\n");
        Directory.CreateDirectory(Path.Combine(_project.Directory, "out", "production"));
    }

    public void Dispose() => _project.Dispose();

    private string EnvFile => Path.Combine(_project.Directory, "out", "production", "app.env");

    private void Write(string relative, string text) => _project.Write(relative, text);

    private Task<(int Code, string Out, string Err)> Vt(params string[] args) => _project.RunAsync(args);

    private Task<(int Code, string Out, string Err)> Sync(params string[] more) =>
        Vt(["sync", "configs/app.yaml", "--env", "production", "--sink", "files", .. more]);

    [Fact]
    public async Task Sync_writes_the_file_and_a_second_sync_is_unchanged()
    {
        var (code, output, error) = await Sync("--commit", "abc123");
        Assert.True(code == 0, output + error);
        Assert.Contains("[1/1] applied   files (file) out/production/app.env  4 added, 0 changed, 0 removed, 0 unchanged", output);
        var text = await File.ReadAllTextAsync(EnvFile);
        Assert.Contains("db.host=db.internal\n", text);
        Assert.Contains($"db.password={VtProject.SecretText}\n", text);
        Assert.DoesNotContain(VtProject.SecretText, output + error);

        (code, output, _) = await Sync("--commit", "abc123");
        Assert.Equal(0, code);
        Assert.Contains("[1/1] unchanged", output);
    }

    [Fact]
    public async Task Status_reports_commit_keys_and_drift_and_sync_heals_it()
    {
        await Sync("--commit", "abc123");
        var (code, output, _) = await Vt("status", "--env", "production", "--sink", "files");
        Assert.Equal(0, code);
        Assert.Contains("configs/app.yaml  rule=app env=production  files (file) out/production/app.env: commit abc123 applied ", output);
        Assert.Contains("4 keys, drift: no", output);

        await File.WriteAllTextAsync(EnvFile, (await File.ReadAllTextAsync(EnvFile)).Replace("port=8080", "port=9999"));
        (_, output, _) = await Vt("status", "configs/app.yaml", "--env", "production", "--sink", "files", "-o", "json");
        var row = JsonDocument.Parse(output).RootElement[0];
        Assert.True(row.GetProperty("drift").GetBoolean());
        Assert.Equal(1, row.GetProperty("drifted_keys").GetInt32());
        Assert.Equal("abc123", row.GetProperty("commit").GetString());

        (code, output, _) = await Sync("--commit", "abc123");
        Assert.Equal(0, code);
        Assert.Contains("0 added, 1 changed, 0 removed, 3 unchanged", output);
        Assert.Contains("port=8080", await File.ReadAllTextAsync(EnvFile));
    }

    [Fact]
    public async Task Plan_diffs_against_what_the_sink_holds_and_masks_secrets()
    {
        await Sync();
        Write("configs/app.yaml", "vartrack:\n  db:\n    host: db2.internal\n    password: \"@secret(secret/app/db#password)\"\n  port: 8080\n");
        var (code, output, _) = await Vt("plan", "configs/app.yaml", "--env", "production", "--sink", "files");
        Assert.Equal(0, code);
        Assert.Contains("~ db.host: db.internal -> db2.internal", output);
        Assert.Contains("- old (was x)", output);
        Assert.Contains("0 to add, 1 to change, 1 to remove, 0 to rewrite, 2 unchanged", output);
        Assert.DoesNotContain(VtProject.SecretText, output);
        Assert.Contains("old=x", await File.ReadAllTextAsync(EnvFile)); // a plan writes nothing
    }

    [Fact]
    public async Task A_failing_sink_rolls_the_others_back_exits_1_and_names_sink_and_destination()
    {
        await Sync("--commit", "c1");
        var before = await File.ReadAllTextAsync(EnvFile);
        Write("configs/app.yaml", "vartrack:\n  port: 9090\n");

        var (code, output, error) = await Vt("sync", "configs/app.yaml", "--env", "production", "--commit", "c2", "-o", "json");
        Assert.Equal(1, code);
        var sinks = JsonDocument.Parse(output).RootElement[0].GetProperty("sinks").EnumerateArray().ToDictionary(s => s.GetProperty("sink").GetString()!);
        Assert.Equal("RolledBack", sinks["files"].GetProperty("outcome").GetString());
        Assert.Equal("Failed", sinks["missing_project.Directory"].GetProperty("outcome").GetString());
        Assert.StartsWith("sink 'missing_project.Directory' (file) destination 'nowhere/production.json': ", sinks["missing_project.Directory"].GetProperty("error").GetString());
        Assert.Equal(before, await File.ReadAllTextAsync(EnvFile));
        Assert.Contains("[2/2]", error); // progress goes to stderr when stdout carries JSON
        Assert.DoesNotContain(VtProject.SecretText, output + error);
    }

    [Fact]
    public async Task Unknown_sink_and_rules_without_sinks_are_usage_errors()
    {
        var (code, _, error) = await Vt("sync", "configs/app.yaml", "--env", "production", "--sink", "nope");
        Assert.Equal(2, code);
        Assert.Equal("error: rule 'app' has no sink named 'nope' (its sinks: files, missing_project.Directory)\n", error);

        Write("vartrack.yaml", "version: 1\nrules:\n  - name: bare\n");
        (code, _, error) = await Vt("sync", "configs/app.yaml", "--env", "production");
        Assert.Equal(2, code);
        Assert.Equal("error: rule 'bare' has no sinks; add 'sinks:' to it in vartrack.yaml\n", error);
    }

}

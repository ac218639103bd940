using System.Text;
using System.Text.Json;
using VarTrack.Core.Sync;
using VarTrack.Core.Tests.Releases.Age;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt</c> on tracked files encrypted by the real <c>age</c> tool (binary and armored, keys from <c>age-keygen</c>):
/// the same pipeline as the server, so this also shows files written by <c>age -r</c> are read. Their values are secrets:
/// render, plan and sync output mask them, and the sink's provenance lists them as secret keys.
/// </summary>
public sealed class VtEncryptedFileTests : IDisposable
{
    private const string Plaintext = "db:\n  host: prod-db\n  password: pl41n-TEXT-never-shown\nport: 5432\n";
    private readonly VtProject _project = new();
    private readonly AgeTool _age = new();

    public void Dispose()
    {
        _project.Dispose();
        _age.Dispose();
    }

    /// <summary>A key pair from age-keygen: the key file's path in the project and its recipient.</summary>
    private (string KeyFile, string Recipient) KeyGen(string name)
    {
        var keyFile = Path.Combine(_project.Directory, "keys", name);
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        _age.Run("age-keygen", [], "-o", keyFile);
        var recipient = Encoding.ASCII.GetString(_age.Run("age-keygen", [], "-y", keyFile)).Trim();
        Assert.StartsWith("age1", recipient);
        return (keyFile, recipient);
    }

    private void WriteEncrypted(string relative, string recipient, bool armor, string plaintext = Plaintext)
    {
        var output = Path.Combine(_project.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        _age.Run("age", Encoding.UTF8.GetBytes(plaintext), armor ? ["-a", "-r", recipient, "-o", output] : ["-r", recipient, "-o", output]);
    }

    /// <summary>Rule 'prod' reading envs/Prod/** with the key file, syncing into out/{env}.env (file sink, prune); <paramref name="decryptExtra"/> goes into its decrypt section.</summary>
    private void WriteConfig(string keyFile, string decryptExtra = "")
    {
        Directory.CreateDirectory(Path.Combine(_project.Directory, "out"));
        _project.Write("vartrack.yaml", $$"""
            sinks:
              files: { type: file, format: env, destination: "out/{env}.env" }
            rules:
              - name: prod
                files: ["envs/Prod/**"]
                root_key: null
                sinks: [files]
                prune: true
                decrypt: { age_identities: [{{Path.GetRelativePath(_project.Directory, keyFile)}}]{{decryptExtra}} }
            """);
    }

    private static void AssertNoPlaintext(string text)
    {
        Assert.DoesNotContain("pl41n-TEXT", text);
        Assert.DoesNotContain("prod-db", text);
    }

    [Fact]
    public async Task Files_encrypted_by_the_age_tool_render_like_plaintext_binary_in_place_and_armored_with_dot_age()
    {
        var (keyFile, recipient) = KeyGen("prod.txt");
        WriteConfig(keyFile);
        WriteEncrypted("envs/Prod/app.yaml", recipient, armor: false);
        WriteEncrypted("envs/Prod/db.yaml.age", recipient, armor: true);
        Assert.StartsWith("age-encryption.org/v1\n", File.ReadAllText(Path.Combine(_project.Directory, "envs/Prod/app.yaml")));
        Assert.StartsWith("-----BEGIN AGE ENCRYPTED FILE-----", File.ReadAllText(Path.Combine(_project.Directory, "envs/Prod/db.yaml.age")));

        foreach (var file in new[] { "envs/Prod/app.yaml", "envs/Prod/db.yaml.age" })
        {
            var (code, output, error) = await _project.RunAsync("render", file, "--env", "production");

            Assert.True(code == 0, error);
            // Read, and masked: every value of an encrypted file is a secret.
            Assert.Contains($"# {file}  rule=prod  env=production  (3 keys)\n", output);
            Assert.Contains("db.host = ***\n", output);
            Assert.Contains("db.password = ***\n", output);
            Assert.Contains("port = ***\n", output);
            Assert.Contains("note: values of encrypted files are masked", error);
            AssertNoPlaintext(output + error);
        }
    }

    [Fact]
    public async Task Render_plan_and_sync_of_an_encrypted_file_never_show_its_values_and_the_sink_records_them_as_secret()
    {
        var (keyFile, recipient) = KeyGen("prod.txt");
        WriteConfig(keyFile);
        WriteEncrypted("envs/Prod/app.yaml", recipient, armor: false);

        var render = await _project.RunAsync("render", "envs/Prod/app.yaml", "--env", "production", "-o", "json");
        var plan = await _project.RunAsync("plan", "envs/Prod/app.yaml", "--env", "production");
        var sync = await _project.RunAsync("sync", "envs/Prod/app.yaml", "--env", "production");

        Assert.True(render.Code == 0, render.Err);
        Assert.Equal("***", JsonDocument.Parse(render.Out).RootElement[0].GetProperty("values").GetProperty("db.password").GetString());
        Assert.True(plan.Code == 0, plan.Err);
        Assert.Contains("  + db.host = ***\n", plan.Out);
        Assert.Contains("  + db.password = ***\n", plan.Out);
        Assert.Contains("  + port = ***\n", plan.Out);
        Assert.True(sync.Code == 0, sync.Out + sync.Err);
        foreach (var (_, output, error) in new[] { render, plan, sync }) AssertNoPlaintext(output + error);
        // The sink holds the real values; its provenance lists every key as secret, so later plans and restores mask them.
        var sink = Path.Combine(_project.Directory, "out", "production.env");
        Assert.Contains("db.password=pl41n-TEXT-never-shown\n", File.ReadAllText(sink));
        var provenance = ProvenanceJson.ParseSet(File.ReadAllBytes(sink + ".vartrack.json"), "provenance")["prod:envs/Prod/app.yaml"];
        Assert.Equal(new HashSet<string> { "db.host", "db.password", "port" }, provenance.SecretKeys);

        WriteEncrypted("envs/Prod/app.yaml", recipient, armor: false, Plaintext.Replace("prod-db", "prod-db-2", StringComparison.Ordinal).Replace("port: 5432\n", ""));
        var next = await _project.RunAsync("plan", "envs/Prod/app.yaml", "--env", "production");

        Assert.True(next.Code == 0, next.Err);
        Assert.Contains("  ~ db.host: *** -> ***\n", next.Out);
        Assert.Contains("  - port (was ***)\n", next.Out);
        AssertNoPlaintext(next.Out + next.Err);
    }

    [Fact]
    public async Task A_rule_with_mask_false_shows_the_values_of_its_encrypted_files()
    {
        var (keyFile, recipient) = KeyGen("prod.txt");
        WriteConfig(keyFile, ", mask: false");
        WriteEncrypted("envs/Prod/app.yaml", recipient, armor: false);

        var (code, output, error) = await _project.RunAsync("render", "envs/Prod/app.yaml", "--env", "production");

        Assert.True(code == 0, error);
        Assert.Contains("db.password = pl41n-TEXT-never-shown\n", output);
        Assert.DoesNotContain("masked", error);
    }

    [Fact]
    public async Task A_key_the_file_was_not_encrypted_for_fails_with_one_line_naming_file_and_rule()
    {
        var (_, prodRecipient) = KeyGen("prod.txt");
        var (devKey, _) = KeyGen("dev.txt");
        WriteConfig(devKey);
        WriteEncrypted("envs/Prod/app.yaml", prodRecipient, armor: false);

        var (code, output, error) = await _project.RunAsync("render", "envs/Prod/app.yaml", "--env", "production");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal("error: envs/Prod/app.yaml rule 'prod': cannot decrypt: none of the configured age identities can read it (the file is encrypted for other recipients)",
            error.Trim());
        Assert.DoesNotContain("AGE-SECRET-KEY", error);
        Assert.DoesNotContain("pl41n", error);
    }
}

using System.Text;
using VarTrack.Core.Tests.Releases.Age;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt</c> on tracked files encrypted by the real <c>age</c> tool (binary and armored, keys from <c>age-keygen</c>):
/// the same pipeline as the server, so this also shows files written by <c>age -r</c> are read.
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

    private void WriteEncrypted(string relative, string recipient, bool armor)
    {
        var output = Path.Combine(_project.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        _age.Run("age", Encoding.UTF8.GetBytes(Plaintext), armor ? ["-a", "-r", recipient, "-o", output] : ["-r", recipient, "-o", output]);
    }

    private void WriteConfig(string keyFile) => _project.Write("vartrack.yaml", $$"""
        rules:
          - name: prod
            files: ["envs/Prod/**"]
            root_key: null
            decrypt: { age_identities: [{{Path.GetRelativePath(_project.Directory, keyFile)}}] }
        """);

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
            Assert.Contains("db.host = prod-db\n", output);
            Assert.Contains("db.password = pl41n-TEXT-never-shown\n", output);
            Assert.Contains("port = 5432\n", output);
        }
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

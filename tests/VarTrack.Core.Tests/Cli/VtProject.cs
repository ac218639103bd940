using VarTrack.Cli;
using VarTrack.Core.Secrets;

namespace VarTrack.Core.Tests.Cli;

/// <summary>A temporary project folder to run vt in-process against, with a secret store holding one known secret.</summary>
public sealed class VtProject : IDisposable
{
    /// <summary>The value of <c>@secret(secret/app/db#password)</c>; no output may ever contain it.</summary>
    public const string SecretText = "hunter2-DO-NOT-PRINT";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("vt-cli-").FullName;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    public void Write(string relative, string text)
    {
        var path = Path.Combine(Directory, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(args, output, error, Directory, _ => new OneSecretStore());
        return (code, output.ToString(), error.ToString());
    }

    private sealed class OneSecretStore : ISecretStore
    {
        public Task<IReadOnlyDictionary<string, SecretValue>> ReadAsync(string path, CancellationToken cancellationToken = default) =>
            path == "secret/app/db"
                ? Task.FromResult<IReadOnlyDictionary<string, SecretValue>>(new Dictionary<string, SecretValue> { ["password"] = new(SecretText) })
                : throw new SecretStoreException(path, $"secret {path} not found") { NotFound = true };
    }
}

using System.Diagnostics;

namespace VarTrack.Connectors.Tests.Ssh;

/// <summary>A temporary folder with real keys made by ssh-keygen (public lines and blobs), and ssh-keygen runs on files in it.</summary>
public sealed class SshKeyFolder : IDisposable
{
    private int _count;

    public SshKeyFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine("/tmp", "vt-sshkeys-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    /// <summary>A new key pair; returns its public line (<c>type base64 comment</c>) and the private key file's path.</summary>
    public (string Line, string PrivateKeyFile) NewKey(string type, int? bits = null)
    {
        var file = System.IO.Path.Combine(Path, $"key{Interlocked.Increment(ref _count)}");
        string[] size = bits is { } b ? ["-b", b.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        Run("ssh-keygen", ["-q", "-t", type, .. size, "-N", "", "-C", "test", "-f", file]);
        return (File.ReadAllText(file + ".pub").Trim(), file);
    }

    public static byte[] Blob(string publicLine) => Convert.FromBase64String(publicLine.Split(' ')[1]);

    public static string KeyPart(string publicLine) => string.Join(' ', publicLine.Split(' ')[..2]);

    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs a tool, failing the test with its stderr when it exits non-zero; returns its stdout.</summary>
    public static string Run(string tool, string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort under /tmp.
        }
    }
}

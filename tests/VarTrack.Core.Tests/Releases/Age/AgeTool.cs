using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace VarTrack.Core.Tests.Releases.Age;

/// <summary>
/// Runs the real <c>age</c> / <c>age-keygen</c> tools (Debian package <c>age</c>, installed by scripts/services.sh start)
/// for interop tests. A missing tool fails the test with a message saying how to install it.
/// </summary>
public sealed class AgeTool : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vt-age-" + Guid.NewGuid().ToString("N"));

    public AgeTool() => Directory.CreateDirectory(_directory);

    /// <summary>A path in this tool's temp folder (not created).</summary>
    public string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Writes <paramref name="content"/> to a fresh file in this tool's temp folder and returns its path.</summary>
    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteFile(string name, string content) => WriteFile(name, Encoding.UTF8.GetBytes(content));

    /// <summary>Runs the tool; non-zero exit fails the test with the tool's stderr.</summary>
    public byte[] Run(string tool, byte[] stdin, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = TryRun(tool, stdin, arguments);
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {exitCode}: {stderr}");
        return stdout;
    }

    public (int ExitCode, byte[] Stdout, string Stderr) TryRun(string tool, byte[] stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"the '{tool}' tool is not installed ({e.Message}); install the Debian package 'age' " +
                "(apt-get install -y age, or run scripts/services.sh start)");
            throw;
        }
        using (process)
        {
            var output = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output);
            var readErr = process.StandardError.ReadToEndAsync();
            process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} did not finish within 60 s");
            }
            copyOut.GetAwaiter().GetResult();
            return (process.ExitCode, output.ToArray(), readErr.GetAwaiter().GetResult());
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}

using System.Diagnostics;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>
/// A bare "origin" repository plus a working copy that builds commits with the git CLI and pushes them to it.
/// The bare repository lives in <paramref name="bareParent"/> (a temp folder by default, or the githttp root).
/// </summary>
public sealed class TestGitRepository : IDisposable
{
    private readonly string _root;

    public TestGitRepository(string? bareParent = null)
    {
        _root = Path.Combine("/tmp", "vt-git-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        WorkPath = Path.Combine(_root, "work");
        Name = Guid.NewGuid().ToString("N") + ".git";
        BarePath = Path.Combine(bareParent ?? _root, Name);
        Git(_root, "init", "-q", "--bare", BarePath);
        Git(_root, "init", "-q", "-b", "main", WorkPath);
    }

    /// <summary>File name of the bare repository (as served under the githttp root).</summary>
    public string Name { get; }

    public string BarePath { get; }

    public string WorkPath { get; }

    /// <summary>Writes (content) or deletes (null) files, commits everything, returns the full commit id.</summary>
    public string Commit(string message, params (string Path, string? Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(WorkPath, path);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Git(WorkPath, "add", "-A");
        Git(WorkPath, "-c", "user.name=VarTrack Test", "-c", "user.email=test@vartrack.invalid", "commit", "-q", "--allow-empty", "-m", message);
        return Git(WorkPath, "rev-parse", "HEAD").Trim();
    }

    public void Run(params string[] args) => Git(WorkPath, args);

    /// <summary>Force-pushes the working copy's HEAD to <paramref name="reference"/> of the bare repository (or another URL).</summary>
    public void Push(string reference = "refs/heads/main", string? url = null) => Git(WorkPath, "push", "-q", "--force", url ?? BarePath, $"HEAD:{reference}");

    public static string Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        return output.Result;
    }

    public void Dispose()
    {
        TryDelete(_root);
        if (!BarePath.StartsWith(_root, StringComparison.Ordinal)) TryDelete(BarePath);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort under /tmp.
        }
    }
}

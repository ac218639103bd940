using VarTrack.Connectors.Tests.Sinks;
using VarTrack.EndToEnd.Tests;

namespace VarTrack.Benchmarks;

/// <summary>
/// A repository on the real Git HTTP server (lighttpd + git http-backend, as the end-to-end tests use) and a working
/// clone. Commits are made ahead of time and pushed one at a time with <see cref="Push"/>, so the server fetches each
/// new commit over HTTP just like a real push would make it, while commit and push stay outside the timed code.
/// </summary>
public sealed class BenchmarkRepository : IDisposable
{
    private readonly string _bare;
    private readonly string _work;

    public BenchmarkRepository()
    {
        TestServices.Require("the Git HTTP server", TestServices.GitHttp);
        var id = Guid.NewGuid().ToString("N")[..10];
        Name = $"vt-bench/r{id}";
        _bare = Path.Combine(TestServices.GitHttpRoot, "vt-bench", $"r{id}.git");
        Directory.CreateDirectory(_bare);
        Git.Run(_bare, "init", "-q", "--bare", "-b", "main");
        CloneUrl = $"{TestServices.GitHttp}/git/vt-bench/r{id}.git";
        _work = Path.Combine(Path.GetTempPath(), "vt-bench-work-" + id);
        Directory.CreateDirectory(_work);
        Git.Run(_work, "init", "-q", "-b", "main");
        Git.Run(_work, "config", "user.email", "bench@example.test");
        Git.Run(_work, "config", "user.name", "bench");
        Git.Run(_work, "config", "gc.auto", "0");
        Git.Run(_work, "remote", "add", "origin", CloneUrl);
    }

    /// <summary>owner/name, as webhook payloads and rule globs name it.</summary>
    public string Name { get; }

    public string CloneUrl { get; }

    /// <summary>The last commit made (pushed or not).</summary>
    public string Head { get; private set; } = "0000000000000000000000000000000000000000";

    /// <summary>Writes one file and commits it locally; returns the commit id.</summary>
    public string Commit(string path, string content)
    {
        var full = Path.Combine(_work, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        Git.Run(_work, "add", "-A");
        Git.Run(_work, "commit", "-q", "-m", "change");
        return Head = Git.Run(_work, "rev-parse", "HEAD");
    }

    /// <summary>Moves main on the server to <paramref name="commit"/> (and so pushes every commit before it).</summary>
    public void Push(string commit) => Git.Run(_work, "push", "-q", "origin", $"{commit}:refs/heads/main");

    public void Dispose()
    {
        Delete(_work);
        Delete(_bare);
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless; never fail a benchmark run over cleanup.
        }
    }
}

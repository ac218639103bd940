using VarTrack.Connectors.Tests.Sinks;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// A repository on the real Git HTTP server (lighttpd + git http-backend) and a working clone to commit and push from.
/// Its name is unique per test, and every sink destination in the test config contains it, so tests never collide.
/// </summary>
public sealed class PushedRepository
{
    private readonly string _work;

    public PushedRepository()
    {
        TestServices.Require("the Git HTTP server", TestServices.GitHttp);
        var id = Guid.NewGuid().ToString("N")[..10];
        Name = $"e2e/r{id}";
        var bare = Path.Combine(TestServices.GitHttpRoot, "e2e", $"r{id}.git");
        Directory.CreateDirectory(bare);
        Git.Run(bare, "init", "-q", "--bare", "-b", "main");
        CloneUrl = $"{TestServices.GitHttp}/git/e2e/r{id}.git";
        _work = Path.Combine(Path.GetTempPath(), "vt-e2e-work-" + id);
        Directory.CreateDirectory(_work);
        Git.Run(_work, "init", "-q", "-b", "main");
        Git.Run(_work, "config", "user.email", "e2e@example.test");
        Git.Run(_work, "config", "user.name", "e2e");
        Git.Run(_work, "remote", "add", "origin", CloneUrl);
    }

    /// <summary>owner/name, as webhook payloads and rule globs name it.</summary>
    public string Name { get; }

    public string CloneUrl { get; }

    public string Head { get; private set; } = "0000000000000000000000000000000000000000";

    /// <summary>Writes (or, for null, deletes) files and commits them; returns the commit id. Nothing is pushed yet.</summary>
    public string Commit(IReadOnlyDictionary<string, string?> files, string message = "change")
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(_work, path);
            if (content is null) File.Delete(full);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, content);
            }
        }
        Git.Run(_work, "add", "-A");
        Git.Run(_work, "commit", "-q", "--allow-empty", "-m", message);
        return Head = Git.Run(_work, "rev-parse", "HEAD");
    }

    /// <summary>Writes a binary file (an encrypted config file) into the working clone; the next commit picks it up.</summary>
    public void WriteBytes(string path, byte[] content)
    {
        var full = Path.Combine(_work, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    public void Push() => Git.Run(_work, "push", "-q", "origin", "HEAD:refs/heads/main");

    /// <summary>Commits and pushes; returns (before, after).</summary>
    public (string Before, string After) CommitAndPush(IReadOnlyDictionary<string, string?> files, string message = "change")
    {
        var before = Head;
        var after = Commit(files, message);
        Push();
        return (before, after);
    }
}

using VarTrack.Connectors.Meta;
using VarTrack.Connectors.Tests.Git;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// An empty meta repository on the real Git HTTP server (lighttpd + git http-backend), plus working clones for writers
/// (each its own folder, as separate machines would have) and a plain git clone for changing it the way anyone with
/// push access could. Folders are removed at dispose.
/// </summary>
public sealed class MetaRemote : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vt-meta-").FullName;
    private readonly List<IDisposable> _owned = [];

    public MetaRemote()
    {
        GitTestServer.Require();
        Name = $"m{Guid.NewGuid():N}"[..16] + ".git";
        BarePath = Path.Combine(GitTestServer.Root, "meta", Name);
        Directory.CreateDirectory(BarePath);
        TestGitRepository.Git(BarePath, "init", "-q", "--bare", "-b", "main");
        Url = $"{GitTestServer.Url}/git/meta/{Name}";
        AuthUrl = $"{GitTestServer.Url}/auth/meta/{Name}";
    }

    public string Name { get; }

    public string BarePath { get; }

    /// <summary>Anonymous, push allowed.</summary>
    public string Url { get; }

    /// <summary>Basic auth required (user vartrack).</summary>
    public string AuthUrl { get; }

    public MetaSettings Settings(string? url = null) => new(url ?? Url) { AuthorName = "Release Bot", AuthorEmail = "bot@example.test" };

    /// <summary>The folder of a writer's working clone.</summary>
    public string ClonePath(string clone) => Path.Combine(_root, clone);

    /// <summary>A writer's own working clone.</summary>
    public GitMetaRepository Repository(string clone, MetaSettings? settings = null, GitSettings? git = null, TimeProvider? time = null)
    {
        var repository = new GitMetaRepository(settings ?? Settings(), git ?? GitSettings.Default, Path.Combine(_root, clone), new SettingResolver(_ => null), time);
        _owned.Add(repository);
        return repository;
    }

    public MetaWriter Writer(string clone, TimeProvider? time = null, IMetaCipher? cipher = null, MetaSettings? settings = null, IMetaRepository? repository = null) =>
        new(repository ?? Repository(clone, settings, time: time), new MetaFileCodec(settings ?? Settings(), cipher, new SettingResolver(_ => null)), clone, time);

    /// <summary>The branch tip on the server, or null when the branch does not exist.</summary>
    public string? Head()
    {
        try
        {
            return TestGitRepository.Git(BarePath, "rev-parse", "--verify", "-q", "refs/heads/main").Trim();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A file at the server's tip, through plain git.</summary>
    public string Show(string path) => TestGitRepository.Git(BarePath, "show", $"main:{path}");

    public string Git(params string[] arguments) => TestGitRepository.Git(BarePath, arguments);

    /// <summary>Clones with plain git, lets <paramref name="edit"/> change the files, commits as Mallory and pushes over HTTP; returns the commit.</summary>
    public string PushWithPlainGit(Action<string> edit, string message = "quiet fix")
    {
        var clone = Path.Combine(_root, "plain-" + Guid.NewGuid().ToString("N")[..6]);
        TestGitRepository.Git(_root, "clone", "-q", Url, clone);
        edit(clone);
        TestGitRepository.Git(clone, "add", "-A");
        TestGitRepository.Git(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qm", message);
        TestGitRepository.Git(clone, "push", "-q", "origin", "HEAD:refs/heads/main");
        return TestGitRepository.Git(clone, "rev-parse", "HEAD").Trim();
    }

    public static GitSettings WithToken(string token) => new()
    {
        Credentials = [new GitCredential([]) { Username = GitTestServer.User, Token = new SettingValue(token, SourcePosition.None) }],
    };

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        foreach (var folder in new[] { _root, BarePath })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}

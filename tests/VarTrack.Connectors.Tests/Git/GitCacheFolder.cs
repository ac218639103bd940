using VarTrack.Connectors.Git;
using VarTrack.Core.Config;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>A temporary clone cache folder and sources over it (several sources over one folder model restarts).</summary>
public sealed class GitCacheFolder : IDisposable
{
    public GitCacheFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine("/tmp", "vt-gitcache-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public GitCloneSource Source(GitSettings? settings = null) => new(settings ?? GitSettings.Default, Path, new SettingResolver(_ => null));

    /// <summary>The clone folders (hash names), without leftovers being deleted.</summary>
    public string[] Clones() => Directory.GetDirectories(Path).Select(System.IO.Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal).ToArray()!;

    public string CloneOf(string cloneUrl) => System.IO.Path.Combine(Path, GitUrl.FolderName(cloneUrl));

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

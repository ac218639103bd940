using VarTrack.Core.Git;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Files under a path of a repository at one pinned commit, read through the Git clone cache (fetched once, then read
/// locally). The file list of a commit never changes, so it is read once.
/// </summary>
public sealed class GitNodeSource(IGitSource git, GitRemote remote, string commit, string? reference, string path) : INodeFileSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<string>? _files;
    private bool _fetched;

    public Task<string> VersionAsync(CancellationToken cancellationToken = default) => Task.FromResult($"git:{remote.Repository}@{commit}:{path}");

    public async Task<byte[]?> ReadAsync(string file, CancellationToken cancellationToken = default)
    {
        await EnsureFetchedAsync(cancellationToken);
        return await git.ReadFileAsync(remote, commit, Full(file), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken = default)
    {
        await EnsureFetchedAsync(cancellationToken);
        if (_files is null)
        {
            var all = await git.DiffAsync(remote, null, commit, cancellationToken);
            var prefix = path.Length == 0 ? "" : path + "/";
            _files = all.Where(c => c.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(c => c.Path[prefix.Length..]).ToList();
        }
        var under = folder.Length == 0 ? "" : folder.TrimEnd('/') + "/";
        return _files.Where(f => f.StartsWith(under, StringComparison.Ordinal)).ToList();
    }

    public string Describe(string file) => $"{remote.Repository}@{commit[..Math.Min(7, commit.Length)]}:{Full(file)}";

    private string Full(string file) => path.Length == 0 ? file : path + "/" + file;

    /// <summary>The first read fetches with the configured reference, so a commit on a branch is found without fetching everything.</summary>
    private async Task EnsureFetchedAsync(CancellationToken cancellationToken)
    {
        if (_fetched) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_fetched) await git.FetchAsync(remote, commit, reference, cancellationToken);
            _fetched = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}

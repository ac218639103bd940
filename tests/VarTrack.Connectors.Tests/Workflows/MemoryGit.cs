using VarTrack.Core.Errors;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Workflows;

/// <summary>An in-memory history for workflow tests: each commit is a full file map and its parent.</summary>
public sealed class MemoryGit : IGitSource
{
    private readonly Dictionary<string, (string? Parent, DateTimeOffset Time, Dictionary<string, string> Files)> _commits = new(StringComparer.Ordinal);
    private int _count;

    public string? Head { get; private set; }

    /// <summary>How many file reads were asked for (a sync should read and parse each file once).</summary>
    public int Reads => _reads;

    private int _reads;

    /// <summary>Applies changes (null content = delete) on top of the head and returns the new commit id.</summary>
    public string Commit(IReadOnlyDictionary<string, string?> changes)
    {
        var files = Head is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(_commits[Head].Files, StringComparer.Ordinal);
        foreach (var (path, content) in changes)
            if (content is null) files.Remove(path);
            else files[path] = content;
        var sha = (++_count).ToString("x40");
        _commits[sha] = (Head, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(_count), files);
        return Head = sha;
    }

    public Task<GitCommitInfo> FetchAsync(GitRemote remote, string commit, string? reference, CancellationToken cancellationToken = default) =>
        _commits.TryGetValue(commit, out var c)
            ? Task.FromResult(new GitCommitInfo(commit, c.Time))
            : throw new VarTrackException(new Problem($"repository '{remote.Repository}': commit {commit} not found at {remote.CloneUrl}"));

    public Task<byte[]?> ReadFileAsync(GitRemote remote, string commit, string path, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(_commits[commit].Files.TryGetValue(path, out var text) ? System.Text.Encoding.UTF8.GetBytes(text) : null);
    }

    public Task<IReadOnlyList<GitFileChange>> DiffAsync(GitRemote remote, string? fromCommit, string toCommit, CancellationToken cancellationToken = default)
    {
        var from = fromCommit is null ? new Dictionary<string, string>() : _commits[fromCommit].Files;
        var to = _commits[toCommit].Files;
        var changes = to.Where(f => !from.TryGetValue(f.Key, out var old) || old != f.Value)
            .Select(f => new GitFileChange(f.Key, from.ContainsKey(f.Key) ? GitChangeKind.Modified : GitChangeKind.Added))
            .Concat(from.Keys.Where(k => !to.ContainsKey(k)).Select(k => new GitFileChange(k, GitChangeKind.Deleted)))
            .OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        return Task.FromResult<IReadOnlyList<GitFileChange>>(changes);
    }

    public Task<bool?> IsAncestorAsync(GitRemote remote, string ancestor, string descendant, CancellationToken cancellationToken = default)
    {
        if (!_commits.ContainsKey(ancestor) || !_commits.ContainsKey(descendant)) return Task.FromResult<bool?>(null);
        for (string? at = descendant; at is not null; at = _commits[at].Parent)
            if (at == ancestor) return Task.FromResult<bool?>(true);
        return Task.FromResult<bool?>(false);
    }
}

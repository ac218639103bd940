using System.Security.Cryptography;
using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

/// <summary>
/// A meta repository held in memory with the same commit rule as Git's receive-pack: a change lands only if the branch
/// still points at the commit it was planned on; otherwise the plan runs again on the new tip. Like any repository it
/// commits what it is given without checking records (that is <see cref="MetaWriter"/>'s job). <see cref="BeforePush"/>
/// lets a test land another writer's commit between planning and pushing, as a concurrent writer would.
/// </summary>
public sealed class InMemoryMetaRepository : IMetaRepository
{
    private readonly List<(string Sha, string? Parent, Dictionary<string, byte[]> Files, string Author)> _commits = [];

    public string Name => "acme/meta";

    /// <summary>Called with the attempt number after planning and before the push; may call <see cref="CommitFiles"/>.</summary>
    public Func<int, Task>? BeforePush { get; set; }

    public int MaxAttempts { get; set; } = 10;

    public int Pushes { get; private set; }

    public string? Tip => _commits.Count == 0 ? null : _commits[^1].Sha;

    public IReadOnlyDictionary<string, byte[]> TipFiles => _commits.Count == 0 ? new Dictionary<string, byte[]>() : _commits[^1].Files;

    /// <summary>Commits files as someone else would with plain Git (null content deletes); no checks at all.</summary>
    public string CommitFiles(IReadOnlyDictionary<string, byte[]?> files, string author = "someone")
    {
        var next = new Dictionary<string, byte[]>(TipFiles, StringComparer.Ordinal);
        foreach (var (path, content) in files)
            if (content is null) next.Remove(path);
            else next[path] = content;
        var sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{Tip}\n{_commits.Count}\n{string.Join(",", files.Keys)}")));
        _commits.Add((sha, Tip, next, author));
        return sha;
    }

    public Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default) => Task.FromResult(TreeAt(_commits.Count - 1));

    public Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default) => Task.FromResult(TreeAt(IndexOf(commit)));

    public Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default) => Task.FromResult(_commits[IndexOf(commit)].Parent);

    public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default) =>
        Task.FromResult<bool?>(IndexOf(ancestor) <= IndexOf(descendant));

    public async Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var planned = Tip;
            var tree = TreeAt(_commits.Count - 1);
            var change = await plan(tree, cancellationToken);
            if (BeforePush is not null) await BeforePush(attempt);
            Pushes++;
            if (Tip != planned) continue;
            var sha = CommitFiles(change.Files.ToDictionary(f => f.Path, f => (byte[]?)f.Content), "writer");
            return new MetaCommitResult(sha, change, attempt);
        }
        throw new VarTrackException(new Problem("the branch kept moving"));
    }

    public Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        var steps = new List<MetaHistoryStep>();
        Dictionary<string, byte[]> before = new(StringComparer.Ordinal);
        foreach (var (sha, parent, files, author) in _commits)
        {
            var changes = new List<MetaFileChange>();
            foreach (var (path, content) in files)
                if (!before.TryGetValue(path, out var old)) changes.Add(new MetaFileChange(path, GitChangeKind.Added, content));
                else if (!old.AsSpan().SequenceEqual(content)) changes.Add(new MetaFileChange(path, GitChangeKind.Modified, content));
            foreach (var path in before.Keys.Where(p => !files.ContainsKey(p))) changes.Add(new MetaFileChange(path, GitChangeKind.Deleted, null));
            steps.Add(new MetaHistoryStep(sha, author, DateTimeOffset.UnixEpoch, changes) { Parents = parent is null ? [] : [parent] });
            before = files;
        }
        return Task.FromResult<IReadOnlyList<MetaHistoryStep>>(steps);
    }

    private int IndexOf(string commit)
    {
        var index = _commits.FindIndex(c => c.Sha.StartsWith(commit, StringComparison.Ordinal));
        return index >= 0 ? index : throw new VarTrackException(new Problem($"commit {commit} not found"));
    }

    private MetaTree TreeAt(int index) => index < 0 ? MetaTree.Empty : MetaTree.Of(_commits[index].Sha, _commits[index].Files);
}

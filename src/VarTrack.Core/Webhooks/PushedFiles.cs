using VarTrack.Core.Git;

namespace VarTrack.Core.Webhooks;

/// <summary>
/// The files a push changed, from the per-commit <c>added</c>/<c>modified</c>/<c>removed</c> lists of its payload.
/// Commits are read oldest first and each path keeps one net change: the last one wins, except that a path added and
/// then modified stays Added, and a path removed and then added again is Modified (it existed before and after).
/// So added-then-removed and modified-then-removed are both Deleted.
/// Null (unknown, the sync then diffs against the commit it last applied) whenever the lists cannot be complete: no
/// commits listed, a commit without the lists, or fewer commits listed than were pushed (platforms truncate).
/// </summary>
internal static class PushedFiles
{
    public static IReadOnlyList<GitFileChange>? FromCommits(PayloadNode? commits, long? totalCommits = null, int? listLimit = null)
    {
        if (commits is null) return null;
        var items = commits.Value.Items().ToList();
        if (items.Count == 0) return null;
        if (totalCommits is { } total && total > items.Count) return null;
        if (listLimit is { } limit && items.Count >= limit) return null;

        var order = new List<string>();
        var kinds = new Dictionary<string, GitChangeKind>(StringComparer.Ordinal);
        foreach (var commit in items)
        {
            var added = commit.Optional("added");
            var modified = commit.Optional("modified");
            var removed = commit.Optional("removed");
            if (added is null || modified is null || removed is null) return null;
            foreach (var path in added.Value.Strings()) Record(path, GitChangeKind.Added);
            foreach (var path in modified.Value.Strings()) Record(path, GitChangeKind.Modified);
            foreach (var path in removed.Value.Strings()) Record(path, GitChangeKind.Deleted);
        }
        return order.Select(path => new GitFileChange(path, kinds[path])).ToList();

        void Record(string path, GitChangeKind kind)
        {
            if (!kinds.TryGetValue(path, out var earlier))
            {
                order.Add(path);
                kinds[path] = kind;
                return;
            }
            kinds[path] = (earlier, kind) switch
            {
                (GitChangeKind.Added, GitChangeKind.Modified) => GitChangeKind.Added,
                (GitChangeKind.Deleted, GitChangeKind.Added) => GitChangeKind.Modified,
                _ => kind,
            };
        }
    }
}

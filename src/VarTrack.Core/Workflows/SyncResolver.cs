using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Git;
using VarTrack.Core.State;
using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// The first and last activities of a sync: resolve the request at its exact commit into the files to sync (the
/// payload's changed files, else a diff against the commit last applied for that ref; only files some rule's globs
/// track; each validated by loading it through the job source), and afterwards remember the commit applied.
/// </summary>
public sealed class SyncResolver(VarTrackConfig config, ISyncJobSource jobs, IGitSource git, IStateStore state)
{
    public const string Resolve = "sync-resolve";
    public const string Finish = "sync-finish";

    public ActivityTable AddTo(ActivityTable table) => table
        .Add<SyncRequest, ResolvedSync>(Resolve, ResolveAsync)
        .Add<SyncFinish, bool>(Finish, FinishAsync, cleanup: true);

    public async Task<ResolvedSync> ResolveAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var remote = new GitRemote(request.Repository, request.CloneUrl);
        var rules = config.Rules.Where(r => (r.Platform is null || request.Platform is null || r.Platform == request.Platform)
                                            && r.TracksRepository(request.Repository) && r.Sinks.Count > 0).ToList();
        GitCommitInfo commit;
        IReadOnlyList<GitFileChange> changes;
        try
        {
            commit = await git.FetchAsync(remote, request.Commit, request.Ref, cancellationToken);
            changes = await ChangesAsync(request, remote, commit, cancellationToken);
        }
        catch (VarTrackException ex)
        {
            return new ResolvedSync([], [], string.Join("; ", ex.Problems.Select(p => p.Message)));
        }

        var source = SourceRef.Parse(request.Ref);
        var files = new List<FileSync>();
        var invalid = new List<SyncReport>();
        foreach (var change in changes)
        foreach (var rule in rules.Where(r => r.TracksFile(change.Path)))
        {
            var environment = EnvironmentResolver.Resolve(rule.Environment, source, change.Path);
            try
            {
                var values = new TemplateValues(environment, rule.Name, change.Path) { Tenant = rule.Tenant, Branch = source.BranchName, Repository = request.Repository };
                var file = new FileSync(request.SyncId, rule.Name, change.Path, environment,
                    SyncDestination.For(config, rule, values).Select(d => new DestinationRef(d.Sink.Name, d.Destination) { Type = d.Sink.Type }).DistinctBy(d => d.LockKey).ToList())
                {
                    Repository = request.Repository,
                    CloneUrl = request.CloneUrl,
                    Ref = request.Ref,
                    Commit = commit.Sha,
                    CommitTime = commit.Time,
                    Deleted = change.Kind == GitChangeKind.Deleted,
                };
                // Validates the file (read, parse, schema, reserved keys, secrets) by loading it the way the plan and
                // write activities will, so they find it in the job source's cache instead of parsing it again.
                if (!file.Deleted) await jobs.LoadAsync(file, cancellationToken);
                files.Add(file);
            }
            catch (VarTrackException ex)
            {
                invalid.Add(new SyncReport(change.Path, rule.Name, environment, commit.Sha, []) { Problems = ex.Problems.Select(p => p.ToString()).ToList() });
            }
        }
        return new ResolvedSync(files, invalid, null);
    }

    /// <summary>Remembers the commit applied for the ref (never moving it back to an older commit), for diffs of pushes that list no files.</summary>
    public async Task<bool> FinishAsync(SyncFinish finish, CancellationToken cancellationToken)
    {
        var key = AppliedKey(finish.Request);
        var previous = await state.ReadAsync(key, cancellationToken);
        var previousCommit = previous is null ? null : System.Text.Encoding.UTF8.GetString(previous);
        var remote = new GitRemote(finish.Request.Repository, finish.Request.CloneUrl);
        if (previousCommit is not null && previousCommit != finish.Commit
            && await git.IsAncestorAsync(remote, finish.Commit, previousCommit, cancellationToken) == true)
            return false;
        await state.WriteAsync(key, System.Text.Encoding.UTF8.GetBytes(finish.Commit), cancellationToken);
        return true;
    }

    private async Task<IReadOnlyList<GitFileChange>> ChangesAsync(SyncRequest request, GitRemote remote, GitCommitInfo commit, CancellationToken cancellationToken)
    {
        if (request.Files is { } paths)
        {
            var named = new List<GitFileChange>();
            foreach (var path in paths.Distinct(StringComparer.Ordinal))
                named.Add(new GitFileChange(path, await git.ReadFileAsync(remote, commit.Sha, path, cancellationToken) is null ? GitChangeKind.Deleted : GitChangeKind.Modified));
            return named;
        }
        if (request.ChangedFiles is { } listed) return listed;
        var applied = await state.ReadAsync(AppliedKey(request), cancellationToken);
        var from = applied is null ? null : System.Text.Encoding.UTF8.GetString(applied);
        if (from is not null && await git.IsAncestorAsync(remote, from, commit.Sha, cancellationToken) != true) from = null;
        return await git.DiffAsync(remote, from, commit.Sha, cancellationToken);
    }

    private static string AppliedKey(SyncRequest request) => AppliedKey(request.Repository, request.Ref);

    /// <summary>Where the commit last applied for a repository's ref is kept (retention protects that commit's record).</summary>
    internal static string AppliedKey(string repository, string reference) => StateKey.Of("applied", repository, reference);
}

using System.ComponentModel;
using System.Diagnostics;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Connectors.Git;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;
using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Meta;

/// <summary>
/// The meta repository through a local bare working clone (LibGit2Sharp). Writes never touch a working tree: a change
/// is a new tree built from the tip's tree plus the new blobs, committed as the configured author with the tip as
/// parent, and pushed (never forced) to the branch. Git's receive-pack updates the branch only if it still points at
/// the commit the push was built on, so of concurrent writers exactly one lands; the others fetch, re-run their plan
/// against the new tip (a promotion re-checks its expected release there) and push again, a bounded number of times.
/// Credentials come from the first <c>git.credentials</c> entry matching the repository's name (HTTPS token) or from
/// the URL; they are never written to the clone's config or shown in a message. SSH URLs are refused: the SSH
/// transport of the clone cache fetches only. One process uses a clone folder at a time (a lock file beside it).
/// </summary>
public sealed class GitMetaRepository : IMetaRepository, IDisposable
{
    private const string RemoteName = "origin";
    private const string OutgoingRef = "refs/vartrack-meta/outgoing";
    // The branch tip this clone last saw (fetched or pushed): a fetched tip that does not descend from it was force-pushed.
    private const string SeenRef = "refs/vartrack-meta/seen";
    private const int TreeCacheSize = 8;

    private readonly string _url;
    private readonly string _branch;
    private readonly string _directory;
    private readonly GitSettings _git;
    private readonly SettingResolver _resolver;
    private readonly MetaSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxAttempts;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, MetaTree> _trees = new(StringComparer.Ordinal);
    // UTC ticks of the last successful fetch; read without the gate by readers deciding whether to fetch.
    private long _lastFetchTicks;

    /// <param name="settings">The <c>meta:</c> settings (repository URL or path, branch, author).</param>
    /// <param name="git">The <c>git:</c> settings (credentials, fetch timeout).</param>
    /// <param name="directory">Folder of the bare working clone (created when missing).</param>
    /// <param name="maxAttempts">Push attempts before giving up when the branch keeps moving.</param>
    public GitMetaRepository(MetaSettings settings, GitSettings git, string directory, SettingResolver resolver, TimeProvider? time = null,
        ILogger<GitMetaRepository>? logger = null, int maxAttempts = 10)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _settings = settings;
        _url = settings.Repository;
        _branch = settings.Branch;
        _directory = Path.GetFullPath(directory);
        _git = git ?? GitSettings.Default;
        _resolver = resolver ?? new SettingResolver();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _maxAttempts = Math.Max(1, maxAttempts);
    }

    public string Name => _settings.Name;

    /// <summary>The clone folder for a repository under a parent folder: named by a hash of the URL without credentials.</summary>
    public static string FolderFor(string parent, string repository) => Path.Combine(parent, GitUrl.FolderName(repository));

    private string TrackingRef => $"refs/remotes/{RemoteName}/{_branch}";

    private string Where => $"meta repository '{Name}' ({GitUrl.Scrub(_url)})";

    public async Task<MetaTree> ReadTipAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        await RefreshAsync(maxAge, cancellationToken);
        using var repository = Open();
        return TreeOf(repository.Refs[TrackingRef]?.ResolveToDirectReference()?.Target as Commit);
    }

    /// <summary>Fetches unless the last fetch is younger than <paramref name="maxAge"/> (zero: always), one fetch at a time.</summary>
    private async Task RefreshAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (IsFresh(maxAge)) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!IsFresh(maxAge)) await LockedAsync(() => FetchAsync(cancellationToken), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<MetaTree> ReadAsync(string commit, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(commit, cancellationToken);
        using var repository = Open();
        return TreeOf(repository.Lookup<Commit>(found));
    }

    public async Task<string?> FirstParentAsync(string commit, CancellationToken cancellationToken = default)
    {
        var found = await FindAsync(commit, cancellationToken);
        using var repository = Open();
        return repository.Lookup<Commit>(found).Parents.FirstOrDefault()?.Sha;
    }

    public Task<bool?> IsAncestorAsync(string ancestor, string descendant, CancellationToken cancellationToken = default)
    {
        if (!Repository.IsValid(_directory)) return Task.FromResult<bool?>(null);
        using var repository = Open();
        var a = Lookup(repository, ancestor);
        var d = Lookup(repository, descendant);
        if (a is null || d is null) return Task.FromResult<bool?>(null);
        if (a.Id == d.Id) return Task.FromResult<bool?>(true);
        return Task.FromResult<bool?>(repository.ObjectDatabase.FindMergeBase(a, d)?.Id == a.Id);
    }

    public async Task<MetaCommitResult> CommitAsync(Func<MetaTree, CancellationToken, Task<MetaChange>> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await LockedAsync(async () =>
            {
                string? lastRejection = null;
                for (var attempt = 1; attempt <= _maxAttempts; attempt++)
                {
                    await FetchAsync(cancellationToken);
                    string? tip;
                    MetaTree tree;
                    using (var repository = Open())
                    {
                        var tipCommit = repository.Refs[TrackingRef]?.ResolveToDirectReference()?.Target as Commit;
                        tip = tipCommit?.Sha;
                        tree = TreeOf(tipCommit);
                    }
                    var change = await plan(tree, cancellationToken);
                    var commit = CreateCommit(tip, change);
                    var rejection = await PushAsync(commit, cancellationToken);
                    if (rejection is null)
                    {
                        using (var repository = Open())
                        {
                            repository.Refs.Add(TrackingRef, new ObjectId(commit), allowOverwrite: true);
                            repository.Refs.Add(SeenRef, new ObjectId(commit), allowOverwrite: true);
                        }
                        Volatile.Write(ref _lastFetchTicks, _time.GetUtcNow().UtcTicks);
                        _logger.LogInformation("{Where}: pushed {Commit} ({Message}) after {Attempts} attempt(s)", Where, commit, change.Message, attempt);
                        return new MetaCommitResult(commit, change, attempt);
                    }
                    lastRejection = rejection;
                    // The rejection is only a race if the branch moved; anything else (a hook's refusal) will not pass by retrying.
                    await FetchAsync(cancellationToken);
                    using (var repository = Open())
                        if (repository.Refs[TrackingRef]?.ResolveToDirectReference()?.TargetIdentifier == tip && !IsLockContention(rejection))
                            throw Failure($"the push was refused: {rejection}");
                    _logger.LogInformation("{Where}: push of {Commit} rejected because the branch moved (attempt {Attempt} of {Max}); planning again on the new tip",
                        Where, commit, attempt, _maxAttempts);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * attempt)), cancellationToken);
                }
                throw Failure($"the branch '{_branch}' kept moving; gave up after {_maxAttempts} push attempts (last refusal: {lastRejection})");
            }, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<MetaHistoryStep>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(TimeSpan.Zero, cancellationToken);
        using var repository = Open();
        if (repository.Refs[TrackingRef]?.ResolveToDirectReference()?.Target is not Commit tip) return [];
        // Every commit reachable through any parent, parents first: a merge must not hide a history behind its first parent.
        var commits = repository.Commits.QueryBy(new CommitFilter
        {
            IncludeReachableFrom = tip,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
        }).ToList();
        var history = new List<MetaHistoryStep>(commits.Count);
        foreach (var commit in commits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parents = commit.Parents.ToList();
            history.Add(new MetaHistoryStep(commit.Sha, $"{commit.Author.Name} <{commit.Author.Email}>", commit.Committer.When,
                ChangesAgainst(repository, parents.FirstOrDefault()?.Tree, commit.Tree))
            {
                Parents = [.. parents.Select(p => p.Sha)],
                OtherParentChanges = [.. parents.Skip(1).Select(p => ChangesAgainst(repository, p.Tree, commit.Tree))],
            });
        }
        return history;
    }

    private static IReadOnlyList<MetaFileChange> ChangesAgainst(Repository repository, Tree? before, Tree after)
    {
        var changes = repository.Diff.Compare<TreeChanges>(before, after, new CompareOptions { Similarity = SimilarityOptions.None });
        var files = new List<MetaFileChange>();
        foreach (var change in changes)
        {
            var kind = change.Status switch
            {
                ChangeKind.Added or ChangeKind.Copied => GitChangeKind.Added,
                ChangeKind.Deleted => GitChangeKind.Deleted,
                _ => GitChangeKind.Modified,
            };
            var content = kind == GitChangeKind.Deleted || change.Mode == Mode.GitLink ? null : BlobBytes(repository, change.Oid);
            files.Add(new MetaFileChange(change.Path.Replace('\\', '/'), kind, content));
        }
        return files;
    }

    public void Dispose() => _gate.Dispose();

    private bool IsFresh(TimeSpan maxAge) =>
        maxAge > TimeSpan.Zero && _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastFetchTicks) < maxAge.Ticks && Repository.IsValid(_directory);

    private Repository Open()
    {
        if (!Repository.IsValid(_directory))
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_directory)!);
                Repository.Init(_directory, isBare: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LibGit2SharpException)
            {
                throw Failure($"cannot create the working clone in '{_directory}': {ex.Message}");
            }
        }
        return new Repository(_directory);
    }

    /// <summary>Holds the clone's lock file while <paramref name="work"/> runs, so two processes never fetch or push in one clone at once.</summary>
    private async Task<T> LockedAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_directory)!);
        var lockPath = _directory + ".lock";
        var deadline = _time.GetUtcNow() + _git.FetchTimeout;
        FileStream? held = null;
        while (held is null)
        {
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetUtcNow() < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (IOException)
            {
                throw Failure($"the working clone '{_directory}' stays locked by another process ({lockPath})");
            }
        }
        await using (held) return await work();
    }

    private Task LockedAsync(Func<Task> work, CancellationToken cancellationToken) => LockedAsync(async () =>
    {
        await work();
        return true;
    }, cancellationToken);

    private async Task<string> FindAsync(string commit, CancellationToken cancellationToken)
    {
        var text = commit?.Trim().ToLowerInvariant() ?? "";
        if (text.Length is < 4 or > 40 || !text.All(char.IsAsciiHexDigit))
            throw Failure($"'{commit}' is not a commit id (4 to 40 hexadecimal digits)");
        using (var repository = Open())
            if (Lookup(repository, text) is { } known) return known.Sha;
        await RefreshAsync(TimeSpan.Zero, cancellationToken);
        using (var repository = Open())
            return Lookup(repository, text)?.Sha ?? throw Failure($"commit {text} is not on branch '{_branch}'");
    }

    private static Commit? Lookup(Repository repository, string commit)
    {
        try
        {
            return commit.Length == 40 ? repository.Lookup<Commit>(new ObjectId(commit)) : repository.Lookup<Commit>(commit);
        }
        catch (AmbiguousSpecificationException)
        {
            return null;
        }
    }

    private MetaTree TreeOf(Commit? commit)
    {
        if (commit is null) return MetaTree.Empty;
        lock (_trees)
            if (_trees.TryGetValue(commit.Sha, out var cached)) return cached;
        var blobs = new Dictionary<string, ObjectId>(StringComparer.Ordinal);
        Collect(commit.Tree, "", blobs);
        var directory = _directory;
        var tree = new MetaTree(commit.Sha, blobs.Keys, path =>
        {
            if (!blobs.TryGetValue(path, out var id)) return null;
            using var repository = new Repository(directory);
            return BlobBytes(repository, id);
        });
        lock (_trees)
        {
            if (_trees.Count >= TreeCacheSize) _trees.Clear();
            _trees[commit.Sha] = tree;
        }
        return tree;
    }

    private static void Collect(Tree tree, string prefix, Dictionary<string, ObjectId> blobs)
    {
        foreach (var entry in tree)
        {
            var path = prefix + entry.Name;
            if (entry.TargetType == TreeEntryTargetType.Blob) blobs[path] = entry.Target.Id;
            else if (entry.TargetType == TreeEntryTargetType.Tree) Collect((Tree)entry.Target, path + "/", blobs);
        }
    }

    private static byte[] BlobBytes(Repository repository, ObjectId id)
    {
        var blob = repository.Lookup<Blob>(id);
        using var content = blob.GetContentStream();
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return buffer.ToArray();
    }

    private string CreateCommit(string? tipSha, MetaChange change)
    {
        using var repository = Open();
        var tip = tipSha is null ? null : repository.Lookup<Commit>(new ObjectId(tipSha));
        var definition = tip is null ? new TreeDefinition() : TreeDefinition.From(tip.Tree);
        foreach (var file in change.Files)
            definition.Add(file.Path, repository.ObjectDatabase.CreateBlob(new MemoryStream(file.Content)), Mode.NonExecutableFile);
        var tree = repository.ObjectDatabase.CreateTree(definition);
        var author = new Signature(_settings.AuthorName, _settings.AuthorEmail, _time.GetUtcNow());
        IEnumerable<Commit> parents = tip is null ? [] : [tip];
        return repository.ObjectDatabase.CreateCommit(author, author, change.Message + "\n", tree, parents, prettifyMessage: false).Sha;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        using var connection = await ConnectAsync(cancellationToken);
        var refspec = $"+refs/heads/{_branch}:{TrackingRef}";
        await RunNetworkAsync("fetch", connection, deadline =>
        {
            using var repository = Open();
            var options = new FetchOptions
            {
                TagFetchMode = TagFetchMode.None,
                Prune = true,
                CredentialsProvider = connection.Credentials,
                OnTransferProgress = _ => !deadline.IsCancellationRequested,
                OnProgress = _ => !deadline.IsCancellationRequested,
            };
            EnsureRemote(repository);
            Commands.Fetch(repository, RemoteName, [refspec], options, null);
            return true;
        }, cancellationToken);
        CheckNoForcePush();
        Volatile.Write(ref _lastFetchTicks, _time.GetUtcNow().UtcTicks);
    }

    /// <summary>
    /// The fetch refspec is forced (a fetch must not fail), so a rewritten branch would silently become the base of the
    /// next write and the read API's answer. Refuses when the fetched tip does not descend from the tip this clone saw
    /// last; the tracking ref is put back, so nothing is built on (or served from) the rewritten history.
    /// </summary>
    private void CheckNoForcePush()
    {
        using var repository = Open();
        var fetched = repository.Refs[TrackingRef]?.ResolveToDirectReference()?.Target as Commit;
        var seen = repository.Refs[SeenRef]?.ResolveToDirectReference()?.Target as Commit;
        if (seen is not null && (fetched is null || (fetched.Id != seen.Id && repository.ObjectDatabase.FindMergeBase(seen, fetched)?.Id != seen.Id)))
        {
            repository.Refs.Add(TrackingRef, seen.Id, allowOverwrite: true);
            var now = fetched is null ? "was deleted" : $"is now at {fetched.Sha}, which does not descend from it";
            throw Failure($"branch '{_branch}' was rewritten (force-pushed): this clone last saw {seen.Sha}, and the branch {now}; " +
                          "refusing to read or write on a rewritten history. Check it with vt meta verify from a fresh working clone (--work-dir), " +
                          $"restore the branch, or delete the working clone '{_directory}' if the rewrite is intended; and protect the branch against force pushes");
        }
        if (fetched is not null) repository.Refs.Add(SeenRef, fetched.Id, allowOverwrite: true);
    }

    /// <summary>Null when the branch took the commit; else the server's or libgit2's reason for refusing it.</summary>
    private async Task<string?> PushAsync(string commit, CancellationToken cancellationToken)
    {
        if (IsLocal) return await PushWithGitAsync(commit, cancellationToken);
        using var connection = await ConnectAsync(cancellationToken);
        return await RunNetworkAsync("push", connection, deadline =>
        {
            using var repository = Open();
            EnsureRemote(repository);
            repository.Refs.Add(OutgoingRef, new ObjectId(commit), allowOverwrite: true);
            string? refused = null;
            var options = new PushOptions
            {
                CredentialsProvider = connection.Credentials,
                OnPushStatusError = error => refused = error.Message,
                OnPushTransferProgress = (_, _, _) => !deadline.IsCancellationRequested,
            };
            try
            {
                repository.Network.Push(repository.Network.Remotes[RemoteName], $"{OutgoingRef}:refs/heads/{_branch}", options);
            }
            catch (NonFastForwardException ex)
            {
                // libgit2 saw before sending that the branch no longer points at our parent.
                refused = ex.Message;
            }
            return refused is null ? null : GitUrl.ScrubText(refused, [.. connection.Secrets]);
        }, cancellationToken);
    }

    /// <summary>Another push held the branch's lock: a race like a moved branch (which may not be visible yet), so worth retrying.</summary>
    private static bool IsLockContention(string rejection) => rejection.Contains("lock", StringComparison.OrdinalIgnoreCase);

    /// <summary>A path or <c>file://</c> URL: libgit2's local transport would update the branch without checking its old value.</summary>
    private bool IsLocal => !GitUrl.IsHttp(_url) && !GitUrl.IsSsh(_url);

    /// <summary>
    /// Pushes to a local repository with the git executable, whose receive-pack updates the branch under its lock only
    /// if it still holds the value the push was based on (and refuses a non-fast-forward): the same compare-and-swap as a
    /// remote. libgit2's local push compares only with refs read at connect and then overwrites, so two writers could
    /// both succeed and the first one's event would vanish.
    /// </summary>
    private async Task<string?> PushWithGitAsync(string commit, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--git-dir", _directory, "push", "--porcelain", "--no-verify", "--", _url, $"{commit}:refs/heads/{_branch}" })
            start.ArgumentList.Add(argument);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception ex)
        {
            throw Failure($"cannot push: a meta repository given as a local path is pushed with the git executable, which cannot be started ({ex.Message}); install git or serve the repository over https");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_git.FetchTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw Failure($"cannot push: no answer within the fetch timeout ({_git.FetchTimeout})");
            }
            if (process.ExitCode == 0) return null;
            // Porcelain: "!<TAB>from:to<TAB>[rejected] (fetch first)"; else git's own error line.
            var rejected = (await output).Split('\n').FirstOrDefault(l => l.StartsWith('!'))?.Split('\t').LastOrDefault()?.Trim();
            var reason = rejected ?? (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("error:") || l.StartsWith("fatal:"));
            return reason ?? $"git push exited with {process.ExitCode}";
        }
    }

    private void EnsureRemote(Repository repository)
    {
        var configured = GitUrl.Scrub(_url);
        if (repository.Network.Remotes[RemoteName] is not { } existing) repository.Network.Remotes.Add(RemoteName, configured);
        else if (existing.Url != configured) repository.Network.Remotes.Update(RemoteName, r => r.Url = configured);
    }

    /// <summary>Runs one libgit2 network call on a worker thread, bounded by <c>git.fetch_timeout</c> through its progress callbacks.</summary>
    private async Task<T> RunNetworkAsync<T>(string what, GitConnection connection, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_git.FetchTimeout);
        try
        {
            return await Task.Run(() => work(deadline.Token), CancellationToken.None);
        }
        catch (LibGit2SharpException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested) throw Failure($"cannot {what}: no answer within the fetch timeout ({_git.FetchTimeout})");
            throw Failure($"cannot {what}: {GitFailureReason.Of(ex, connection, Name)}");
        }
    }

    private async Task<GitConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (GitUrl.IsSsh(_url))
            throw Failure("SSH URLs are not supported for the meta repository (its writer pushes, and the SSH transport only fetches); use https:// with a token in git.credentials, or a local path");
        var credential = _git.CredentialFor(Name);
        return await GitConnection.ForHttpAsync(credential, _url, _resolver, $"the git credential for repository '{Name}'", cancellationToken);
    }

    private VarTrackException Failure(string reason) => new(new Problem($"{Where}: {reason}"));
}

using System.Collections.Concurrent;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Renci.SshNet;
using VarTrack.Connectors.Files;
using VarTrack.Connectors.Ssh;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Git;

/// <summary>
/// <see cref="IGitSource"/> over a cache of bare clones (LibGit2Sharp). A commit already in its clone is read without
/// touching the network. Otherwise the named reference is fetched into <c>refs/vartrack/...</c> (never a branch of
/// the clone), then, if the commit is still missing, every branch and tag; the commit named is always the commit read.
/// Fetches of one clone are serialised; reads run concurrently; a fetch is bounded by <c>git.fetch_timeout</c>.
/// Credentials (first <c>git.credentials</c> entry matching the repository) are resolved only when connecting.
/// </summary>
public sealed class GitCloneSource : IGitSource, IGitCacheCompaction
{
    private const string RemoteName = "vartrack";

    private static readonly string[] AllBranchesAndTags = ["+refs/heads/*:refs/vartrack/heads/*", "+refs/tags/*:refs/vartrack/tags/*"];

    private readonly GitSettings _settings;
    private readonly SettingResolver _resolver;
    private readonly ILogger _logger;
    private readonly GitCloneCache _cache;
    private readonly ConcurrentDictionary<string, byte> _warned = new(StringComparer.Ordinal);
    private readonly GitCloneCompaction _compaction;

    /// <param name="settings">The <c>git:</c> section; its <c>CacheDirectory</c> is ignored in favour of <paramref name="cacheDirectory"/>.</param>
    /// <param name="cacheDirectory">Folder of the clones (created if missing; clones already there are adopted).</param>
    /// <param name="resolver">Resolves credential settings (<c>${ENV}</c>, <c>@secret(...)</c>) when a fetch connects.</param>
    public GitCloneSource(GitSettings settings, string cacheDirectory, SettingResolver resolver, ILogger<GitCloneSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        ArgumentNullException.ThrowIfNull(resolver);
        _settings = settings;
        _resolver = resolver;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _cache = new GitCloneCache(cacheDirectory, settings.MaxRepositories, settings.MaxCacheBytes);
        _compaction = new GitCloneCompaction(_cache, settings.MaxPacks, _logger);
    }

    public string CacheDirectory => _cache.Directory;

    internal GitCloneCache Cache => _cache;

    /// <summary>Runs <c>git gc --auto</c> on idle clones holding more than <c>git.max_packs</c> packs (see <see cref="GitCloneCompaction"/>).</summary>
    public Task<int> CompactAsync(CancellationToken cancellationToken = default) => _compaction.CompactAsync(cancellationToken);

    public async Task<GitCommitInfo> FetchAsync(GitRemote remote, string commit, string? reference, CancellationToken cancellationToken = default)
    {
        var id = CommitName(remote, commit);
        if (reference is not null) CheckReference(remote, reference);
        using var lease = await AcquireAsync(remote, cancellationToken);
        return Find(lease, remote, id) ?? await FetchMissingAsync(lease, remote, id, reference, cancellationToken);
    }

    public async Task<byte[]?> ReadFileAsync(GitRemote remote, string commit, string path, CancellationToken cancellationToken = default)
    {
        var id = CommitName(remote, commit);
        using var lease = await AcquireAsync(remote, cancellationToken);
        if (Find(lease, remote, id) is null) await FetchMissingAsync(lease, remote, id, null, cancellationToken);
        var relative = path.Replace('\\', '/').Trim('/');
        if (relative.Length == 0) return null;
        using var repository = new Repository(lease.Path);
        var entry = Lookup(repository, remote, id)![relative];
        if (entry is null || entry.TargetType != TreeEntryTargetType.Blob) return null;
        await using var content = ((Blob)entry.Target).GetContentStream();
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public async Task<IReadOnlyList<GitFileChange>> DiffAsync(GitRemote remote, string? fromCommit, string toCommit, CancellationToken cancellationToken = default)
    {
        var to = CommitName(remote, toCommit);
        var from = fromCommit is null ? null : CommitName(remote, fromCommit);
        using var lease = await AcquireAsync(remote, cancellationToken);
        if (Find(lease, remote, to) is null) await FetchMissingAsync(lease, remote, to, null, cancellationToken);
        if (from is not null && Find(lease, remote, from) is null) await FetchMissingAsync(lease, remote, from, null, cancellationToken);

        using var repository = new Repository(lease.Path);
        var newTree = Lookup(repository, remote, to)!.Tree;
        var oldTree = from is null ? null : Lookup(repository, remote, from)!.Tree;
        // No rename detection: a rename is the old path deleted and the new one added, which is what sync needs.
        var changes = repository.Diff.Compare<TreeChanges>(oldTree, newTree, new CompareOptions { Similarity = SimilarityOptions.None });
        var result = new List<GitFileChange>();
        foreach (var change in changes)
        {
            if (IsSubmodule(change.Mode) && IsSubmodule(change.OldMode)) continue;
            switch (change.Status)
            {
                case ChangeKind.Added:
                case ChangeKind.Copied:
                    result.Add(new GitFileChange(change.Path, GitChangeKind.Added));
                    break;
                case ChangeKind.Deleted:
                    result.Add(new GitFileChange(change.Path, GitChangeKind.Deleted));
                    break;
                case ChangeKind.Modified:
                case ChangeKind.TypeChanged:
                    result.Add(new GitFileChange(change.Path, GitChangeKind.Modified));
                    break;
                case ChangeKind.Renamed:
                    result.Add(new GitFileChange(change.OldPath, GitChangeKind.Deleted));
                    result.Add(new GitFileChange(change.Path, GitChangeKind.Added));
                    break;
            }
        }
        return [.. result.Select(c => c with { Path = c.Path.Replace('\\', '/') }).OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Kind)];
    }

    public async Task<bool?> IsAncestorAsync(GitRemote remote, string ancestor, string descendant, CancellationToken cancellationToken = default)
    {
        var older = CommitName(remote, ancestor);
        var newer = CommitName(remote, descendant);
        using var lease = await AcquireAsync(remote, cancellationToken);
        if (!Repository.IsValid(lease.Path)) return null;
        using var repository = new Repository(lease.Path);
        var a = Lookup(repository, remote, older);
        var d = Lookup(repository, remote, newer);
        if (a is null || d is null) return null;
        if (a.Id == d.Id) return true;
        var mergeBase = repository.ObjectDatabase.FindMergeBase(a, d);
        return mergeBase is not null && mergeBase.Id == a.Id;
    }

    private Task<CloneLease> AcquireAsync(GitRemote remote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (string.IsNullOrWhiteSpace(remote.CloneUrl))
            throw new VarTrackException(new Problem($"repository '{remote.Repository}': no clone URL"));
        return _cache.AcquireAsync(GitUrl.FolderName(remote.CloneUrl), cancellationToken);
    }

    private static GitCommitInfo? Find(CloneLease lease, GitRemote remote, string commit)
    {
        if (!Repository.IsValid(lease.Path)) return null;
        using var repository = new Repository(lease.Path);
        var found = Lookup(repository, remote, commit);
        return found is null ? null : new GitCommitInfo(found.Sha, found.Committer.When);
    }

    private static Commit? Lookup(Repository repository, GitRemote remote, string commit)
    {
        try
        {
            return commit.Length == 40 ? repository.Lookup<Commit>(new ObjectId(commit)) : repository.Lookup<Commit>(commit);
        }
        catch (AmbiguousSpecificationException)
        {
            throw new VarTrackException(new Problem($"repository '{remote.Repository}': commit {commit} is ambiguous (several objects start with it); give more digits"));
        }
    }

    private async Task<GitCommitInfo> FetchMissingAsync(CloneLease lease, GitRemote remote, string commit, string? reference, CancellationToken cancellationToken)
    {
        var gate = lease.Clone.FetchGate;
        await gate.WaitAsync(cancellationToken);
        Task? abandoned = null;
        GitConnection? connection = null;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            _cache.EnsureCreated(lease.Clone);
            // Another call may have fetched it while this one waited for the gate.
            if (Find(lease, remote, commit) is { } fetched) return fetched;

            deadline.CancelAfter(_settings.FetchTimeout);
            connection = await ConnectAsync(remote, deadline.Token, cancellationToken);
            var started = DateTime.UtcNow;
            if (reference is not null)
            {
                var refspec = $"+{reference}:refs/vartrack/{reference["refs/".Length..]}";
                await RunFetchAsync(lease, remote, commit, [refspec], connection, deadline.Token, cancellationToken);
                if (Find(lease, remote, commit) is null)
                    await RunFetchAsync(lease, remote, commit, AllBranchesAndTags, connection, deadline.Token, cancellationToken);
            }
            else
            {
                await RunFetchAsync(lease, remote, commit, AllBranchesAndTags, connection, deadline.Token, cancellationToken);
            }
            _cache.Measure(lease.Clone);
            var evicted = _cache.Trim();
            var found = Find(lease, remote, commit);
            _logger.LogInformation("Fetched {Repository} from {Url} for commit {Commit} in {Milliseconds} ms (found: {Found}; evicted {Evicted} clones)",
                remote.Repository, GitUrl.Scrub(remote.CloneUrl), commit, (long)(DateTime.UtcNow - started).TotalMilliseconds, found is not null, evicted.Count);
            return found ?? throw new VarTrackException(new Problem($"repository '{remote.Repository}': commit {commit} not found at {GitUrl.Scrub(remote.CloneUrl)}"));
        }
        catch (FetchAbandonedException timedOut)
        {
            abandoned = timedOut.Work;
            throw timedOut.Error;
        }
        finally
        {
            if (abandoned is { IsCompleted: false })
            {
                // libgit2 is still connecting: the gate, the lease, the key and the deadline stay held until it gives up.
                var held = connection;
                lease.HandOff(abandoned);
                _ = abandoned.ContinueWith(_ =>
                {
                    held?.Dispose();
                    deadline.Dispose();
                    gate.Release();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                connection?.Dispose();
                deadline.Dispose();
                gate.Release();
            }
        }
    }

    /// <summary>Runs one libgit2 fetch on a worker thread; throws a clear error when it fails or outlives the deadline.</summary>
    private async Task RunFetchAsync(CloneLease lease, GitRemote remote, string commit, string[] refspecs, GitConnection connection,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var url = remote.CloneUrl;
        var work = Task.Run(() =>
        {
            using var repository = new Repository(lease.Path);
            var options = new FetchOptions
            {
                TagFetchMode = TagFetchMode.None,
                Prune = false,
                CredentialsProvider = connection.Credentials,
                // libgit2's fetch is synchronous: returning false from its progress callbacks is how it is cancelled.
                OnTransferProgress = _ => !deadline.IsCancellationRequested,
                OnProgress = _ => !deadline.IsCancellationRequested,
            };
            // The clone's one remote holds the URL without credentials; those come from the credentials callback.
            var configured = GitUrl.Scrub(url);
            if (repository.Network.Remotes[RemoteName] is not { } existing) repository.Network.Remotes.Add(RemoteName, configured, AllBranchesAndTags[0]);
            else if (existing.Url != configured) repository.Network.Remotes.Update(RemoteName, r => r.Url = configured);
            if (connection.Ssh is { } ssh) ssh.Run(() => Commands.Fetch(repository, RemoteName, refspecs, options, null));
            else Commands.Fetch(repository, RemoteName, refspecs, options, null);
        }, CancellationToken.None);
        try
        {
            await work.WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (!work.IsCompleted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new FetchAbandonedException(work, Failure(remote, commit, TimeoutReason()));
        }
        catch (Exception) when (work.IsCompleted)
        {
            // Inspected below.
        }
        if (work.IsCompletedSuccessfully) return;
        cancellationToken.ThrowIfCancellationRequested();
        var error = work.Exception!.GetBaseException();
        throw Failure(remote, commit, deadline.IsCancellationRequested ? TimeoutReason() : GitFailureReason.Of(error, connection, remote.Repository));
    }

    private string TimeoutReason() => $"no answer within the fetch timeout ({_settings.FetchTimeout})";

    private static VarTrackException Failure(GitRemote remote, string commit, string reason) =>
        new(new Problem($"repository '{remote.Repository}': cannot fetch commit {commit} from {GitUrl.Scrub(remote.CloneUrl)}: {reason}"));

    /// <param name="deadline">Ends the SSH connection when the fetch times out (or the caller cancels).</param>
    private async Task<GitConnection> ConnectAsync(GitRemote remote, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var credential = _settings.CredentialFor(remote.Repository);
        var what = $"the git credential for repository '{remote.Repository}'";
        if (GitUrl.IsSsh(remote.CloneUrl))
        {
            SshSmartSubtransport.EnsureRegistered();
            var passphrase = credential?.SshPassphrase is { } p ? (await _resolver.ResolveAsync(p, $"'ssh_passphrase' of {what}", cancellationToken)).Reveal() : null;
            PrivateKeyFile? key = null;
            if (credential?.SshKey is { } keyPath)
            {
                try
                {
                    key = passphrase is null ? new PrivateKeyFile(keyPath) : new PrivateKeyFile(keyPath, passphrase);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Renci.SshNet.Common.SshException or ArgumentException or InvalidOperationException or NotSupportedException)
                {
                    throw new VarTrackException(new Problem($"repository '{remote.Repository}': cannot load 'ssh_key' {keyPath} of {what}: {GitUrl.ScrubText(ex.Message, passphrase)}"));
                }
            }
            SshHostKeyPolicy hostKeys;
            try
            {
                hostKeys = HostKeyPolicy(remote, credential, what);
            }
            catch
            {
                key?.Dispose();
                throw;
            }
            var connectTimeout = _settings.FetchTimeout < TimeSpan.FromSeconds(30) ? _settings.FetchTimeout : TimeSpan.FromSeconds(30);
            var context = new SshFetchContext(credential?.Username, key, hostKeys, connectTimeout, deadline);
            return new GitConnection(null, null, context, key, passphrase is null ? [] : [passphrase]);
        }
        return await GitConnection.ForHttpAsync(credential, remote.CloneUrl, _resolver, what, cancellationToken);
    }

    /// <summary>
    /// <c>ssh_host_key</c> pins one key (or is <c>any</c>: no check, a warning once per host); without it the key must be
    /// in <c>ssh_known_hosts</c>, else in <c>~/.ssh/known_hosts</c> or <c>/etc/ssh/ssh_known_hosts</c> (read on every connect).
    /// </summary>
    private SshHostKeyPolicy HostKeyPolicy(GitRemote remote, GitCredential? credential, string what)
    {
        var endpoint = SshEndpointOf(remote.CloneUrl);
        if (credential?.SshHostKey is { } pinned)
        {
            if (string.Equals(pinned.Trim(), SshHostKeyPolicy.AnyKeyValue, StringComparison.OrdinalIgnoreCase))
            {
                if (_warned.TryAdd("any " + endpoint, 0))
                    _logger.LogWarning("SSH host key checking is off for {Endpoint} (repository {Repository}: 'ssh_host_key: any'): any server answering there is trusted with fetching config",
                        endpoint, remote.Repository);
                return SshHostKeyPolicy.AnyKey("ssh_host_key");
            }
            try
            {
                return SshHostKeyPolicy.Pinned(SshHostKeyPin.Parse(pinned, remote.Repository), "ssh_host_key");
            }
            catch (VarTrackException)
            {
                throw new VarTrackException(new Problem($"repository '{remote.Repository}': 'ssh_host_key' of {what} is not valid: expected the server's public key line ('ssh-ed25519 AAAA...'), its fingerprint ('SHA256:...') or 'any'"));
            }
        }
        var paths = credential?.SshKnownHosts is { } file ? [file] : KnownHosts.DefaultPaths(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        var knownHosts = KnownHosts.Load(paths);
        foreach (var problem in knownHosts.Problems)
            if (_warned.TryAdd(problem, 0))
                _logger.LogWarning("Skipped a malformed known_hosts line: {Problem}", problem);
        return SshHostKeyPolicy.Checked(knownHosts, "ssh_host_key", paths[0]);
    }

    private static string SshEndpointOf(string cloneUrl)
    {
        try
        {
            var endpoint = SshEndpoint.Parse(cloneUrl);
            return $"{endpoint.Host}:{endpoint.Port}";
        }
        catch (FormatException)
        {
            return GitUrl.Scrub(cloneUrl);
        }
    }

    private static string CommitName(GitRemote remote, string commit)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var text = commit?.Trim() ?? "";
        if (text.Length is < 4 or > 40 || !text.All(char.IsAsciiHexDigit))
            throw new VarTrackException(new Problem($"repository '{remote.Repository}': '{commit}' is not a commit id (4 to 40 hexadecimal digits)"));
        return text.ToLowerInvariant();
    }

    private static void CheckReference(GitRemote remote, string reference)
    {
        if (!reference.StartsWith("refs/", StringComparison.Ordinal) || !Reference.IsValidName(reference))
            throw new VarTrackException(new Problem($"repository '{remote.Repository}': '{reference}' is not a full reference name (e.g. refs/heads/main, refs/tags/v1)"));
    }

    private static bool IsSubmodule(Mode mode) => mode is Mode.GitLink or Mode.Nonexistent;

    /// <summary>A fetch that timed out while libgit2 still runs: carries the error for the caller and the work to wait for.</summary>
    private sealed class FetchAbandonedException(Task work, VarTrackException error) : Exception(error.Message)
    {
        public Task Work { get; } = work;

        public VarTrackException Error { get; } = error;
    }
}

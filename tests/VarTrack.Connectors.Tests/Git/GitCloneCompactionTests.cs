using System.Text;
using VarTrack.Connectors.Git;
using VarTrack.Connectors.Tests.Replication;
using VarTrack.Core.Config;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>
/// Compaction of cached clones: after many fetches (one pack each) <c>git gc --auto</c> leaves one pack and every
/// commit still reads; never on a clone in use; new users wait for it (a cancelled one stops waiting); without a git
/// command it logs once and skips.
/// </summary>
public sealed class GitCloneCompactionTests : IDisposable
{
    private const int Fetches = 14;

    private readonly GitCacheFolder _cache = new();
    private readonly TestGitRepository _origin = new();

    public void Dispose()
    {
        _origin.Dispose();
        _cache.Dispose();
    }

    private GitRemote Remote => new("acme/compact", _origin.BarePath);

    private string ClonePath => _cache.CloneOf(_origin.BarePath);

    /// <summary>Pushes and fetches one commit at a time: each fetch brings one new pack into the clone.</summary>
    private async Task<List<string>> FetchManyAsync(GitCloneSource source)
    {
        var commits = new List<string>();
        for (var i = 0; i < Fetches; i++)
        {
            commits.Add(_origin.Commit($"change {i}", ("app.yaml", $"version: {i}\n")));
            _origin.Push();
            await source.FetchAsync(Remote, commits[^1], "refs/heads/main");
        }
        return commits;
    }

    private static string Text(byte[]? bytes) => Encoding.UTF8.GetString(bytes!);

    [Fact]
    public async Task After_many_fetches_the_packs_are_consolidated_and_the_clone_still_reads_every_commit()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 5 });
        var commits = await FetchManyAsync(source);
        var before = GitCloneCompaction.PackCount(ClonePath);
        Assert.True(before > 5, $"expected more than 5 packs after {Fetches} fetches, found {before}");

        Assert.Equal(1, await source.CompactAsync());

        Assert.Equal(1, GitCloneCompaction.PackCount(ClonePath));
        var counted = TestGitRepository.Git(ClonePath, "count-objects", "-v");
        Assert.Contains("packs: 1\n", counted);
        Assert.Contains("count: 0\n", counted); // no loose objects either
        for (var i = 0; i < commits.Count; i++)
            Assert.Equal($"version: {i}\n", Text(await source.ReadFileAsync(Remote, commits[i], "app.yaml")));
        Assert.True(await source.IsAncestorAsync(Remote, commits[0], commits[^1]));
        TestGitRepository.Git(ClonePath, "fsck", "--no-progress");
        // Nothing is due any more; a new fetch after it still works.
        Assert.Equal(0, await source.CompactAsync());
        var next = _origin.Commit("after", ("app.yaml", "version: after\n"));
        _origin.Push();
        Assert.Equal("version: after\n", Text(await source.ReadFileAsync(Remote, next, "app.yaml")));
    }

    [Fact]
    public async Task Below_the_pack_limit_nothing_runs()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 50 });
        await FetchManyAsync(source);
        var before = GitCloneCompaction.PackCount(ClonePath);

        Assert.Equal(0, await source.CompactAsync());
        Assert.Equal(before, GitCloneCompaction.PackCount(ClonePath));
    }

    [Fact]
    public async Task A_clone_in_use_is_not_compacted()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 5 });
        await FetchManyAsync(source);
        var before = GitCloneCompaction.PackCount(ClonePath);

        using (await source.Cache.AcquireAsync(GitUrl.FolderName(_origin.BarePath)))
        {
            Assert.Equal(0, await source.CompactAsync());
            Assert.Equal(before, GitCloneCompaction.PackCount(ClonePath));
        }

        Assert.Equal(1, await source.CompactAsync());
    }

    [Fact]
    public async Task A_call_arriving_during_compaction_waits_until_it_ends()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 5 });
        await FetchManyAsync(source);
        var clone = Assert.Single(source.Cache.IdleClones());
        Assert.True(source.Cache.TryBeginCompaction(clone));
        Assert.False(source.Cache.TryBeginCompaction(clone));
        var ended = 0;

        var user = Task.Run(async () =>
        {
            using var lease = await source.Cache.AcquireAsync(clone.Name);
            return Volatile.Read(ref ended);
        });
        Volatile.Write(ref ended, 1);
        source.Cache.EndCompaction(clone);

        Assert.Equal(1, await user);
        Assert.False(clone.Compacting);
        Assert.Single(source.Cache.IdleClones());
    }

    [Fact]
    public async Task A_call_waiting_for_compaction_ends_when_its_caller_cancels()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 5 });
        var remote = new GitRemote("acme/compact", _origin.BarePath);
        var commit = _origin.Commit("c", ("app.yaml", "v: 1\n"));
        _origin.Push();
        await source.FetchAsync(remote, commit, "refs/heads/main");
        var clone = Assert.Single(source.Cache.IdleClones());
        Assert.True(source.Cache.TryBeginCompaction(clone));
        try
        {
            using var cancellation = new CancellationTokenSource();
            var call = source.ReadFileAsync(remote, commit, "app.yaml", cancellation.Token);
            Assert.False(call.IsCompleted); // waiting for the compaction, not holding a thread
            cancellation.Cancel();

            // Still compacting: the call ends because it was cancelled, not because the clone became free. The bound
            // only turns a hang into a failure (TimeoutException is not an OperationCanceledException).
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromMinutes(2)));
            Assert.True(clone.Compacting);
        }
        finally
        {
            source.Cache.EndCompaction(clone);
        }

        // The cancelled waiter took no lease: the clone is idle again and usable.
        Assert.Single(source.Cache.IdleClones());
        Assert.Equal("v: 1\n", Encoding.UTF8.GetString((await source.ReadFileAsync(remote, commit, "app.yaml"))!));
    }

    [Fact]
    public async Task Without_a_git_command_compaction_is_skipped_with_one_log_line()
    {
        var source = _cache.Source(new GitSettings { MaxPacks = 5 });
        await FetchManyAsync(source);
        var before = GitCloneCompaction.PackCount(ClonePath);
        var logger = new ListLogger<GitCloneCompactionTests>();
        var compaction = new GitCloneCompaction(source.Cache, 5, logger, gitPath: Path.Combine(_cache.Path, "no-such-git"));

        Assert.Equal(0, await compaction.CompactAsync());
        Assert.Equal(0, await compaction.CompactAsync());

        var line = Assert.Single(logger.Lines);
        Assert.StartsWith("Warning: no git command on PATH: cached clones are not compacted (1 have more than 5 packs)", line);
        Assert.Equal(before, GitCloneCompaction.PackCount(ClonePath));
    }
}

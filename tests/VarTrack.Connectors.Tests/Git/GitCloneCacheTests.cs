using System.Text;
using VarTrack.Connectors.Git;
using VarTrack.Core.Config;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>The clone cache: one clone per URL, LRU eviction by count and size, safety under concurrency, recovery.</summary>
public sealed class GitCloneCacheTests : IDisposable
{
    private readonly GitCacheFolder _cache = new();
    private readonly List<TestGitRepository> _origins = [];

    [Fact]
    public async Task EvictsTheLeastRecentlyUsedCloneBeyondTheCount()
    {
        var (r1, c1) = Origin("one");
        var (r2, c2) = Origin("two");
        var (r3, c3) = Origin("three");
        var source = _cache.Source(new GitSettings { MaxRepositories = 2 });

        await source.FetchAsync(r1, c1, "refs/heads/main");
        await source.FetchAsync(r2, c2, "refs/heads/main");
        await source.FetchAsync(r3, c3, "refs/heads/main");

        Assert.Equal(Sorted(r2, r3), _cache.Clones());

        await source.ReadFileAsync(r2, c2, "name.txt"); // r2 is now more recent than r3.
        await source.FetchAsync(r1, c1, "refs/heads/main");

        Assert.Equal(Sorted(r1, r2), _cache.Clones());
        Assert.Equal("one", Text(await source.ReadFileAsync(r1, c1, "name.txt")));
    }

    [Fact]
    public async Task EvictsByTotalSizeButNeverTheCloneInUse()
    {
        var (r1, c1) = Origin("one");
        var (r2, c2) = Origin("two");
        var source = _cache.Source(new GitSettings { MaxCacheBytes = 1 });

        await source.FetchAsync(r1, c1, "refs/heads/main");
        Assert.Equal(Sorted(r1), _cache.Clones()); // Over the size alone, but it was in use while trimming.
        Assert.True(source.Cache.TotalBytes > 1);

        await source.FetchAsync(r2, c2, "refs/heads/main");

        Assert.Equal(Sorted(r2), _cache.Clones());
    }

    [Fact]
    public async Task ACloneInUseIsNotEvictedUntilReleased()
    {
        var (r1, c1) = Origin("one");
        var (r2, c2) = Origin("two");
        var (r3, c3) = Origin("three");
        var source = _cache.Source(new GitSettings { MaxRepositories = 1 });
        await source.FetchAsync(r1, c1, "refs/heads/main");

        using (await source.Cache.AcquireAsync(GitUrl.FolderName(r1.CloneUrl)))
        {
            await source.FetchAsync(r2, c2, "refs/heads/main");
            await source.FetchAsync(r3, c3, "refs/heads/main");
            // r2 was evicted when r3 came; r1 stays over the limit while in use.
            Assert.Equal(Sorted(r1, r3), _cache.Clones());
        }

        // Released last, r1 is now the most recently used: the next trim removes r3.
        Assert.Equal(Sorted(r3), source.Cache.Trim());
        Assert.Equal(Sorted(r1), _cache.Clones());
    }

    [Fact]
    public async Task ConcurrentReadsAcrossMoreRepositoriesThanTheCacheHoldsAllSucceed()
    {
        var origins = new[] { Origin("one"), Origin("two"), Origin("three") };
        var source = _cache.Source(new GitSettings { MaxRepositories = 1 });

        var reads = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var (remote, commit) = origins[i % 3];
            return (Expected: new[] { "one", "two", "three" }[i % 3], Actual: Text(await source.ReadFileAsync(remote, commit, "name.txt")));
        }));

        foreach (var (expected, actual) in await Task.WhenAll(reads)) Assert.Equal(expected, actual);
        source.Cache.Trim();
        Assert.Single(_cache.Clones());
    }

    [Fact]
    public async Task EightConcurrentFetchesOfOneRepositoryMakeOneClone()
    {
        var (remote, first) = Origin("one");
        var origin = _origins[0];
        var second = origin.Commit("second", ("name.txt", "two"));
        origin.Push();
        var source = _cache.Source();

        var fetches = Enumerable.Range(0, 8).Select(i => Task.Run(() => source.FetchAsync(remote, i % 2 == 0 ? first : second, "refs/heads/main")));
        var results = await Task.WhenAll(fetches);

        for (var i = 0; i < 8; i++) Assert.Equal(i % 2 == 0 ? first : second, results[i].Sha);
        Assert.Single(_cache.Clones());
        Assert.Single(source.Cache.Names);
        Assert.Equal("one", Text(await source.ReadFileAsync(remote, first, "name.txt")));
        Assert.Equal("two", Text(await source.ReadFileAsync(remote, second, "name.txt")));
    }

    [Fact]
    public async Task ExistingClonesAreAdoptedOnStartupInLastUsedOrder()
    {
        var (r1, c1) = Origin("one");
        var (r2, c2) = Origin("two");
        var first = _cache.Source();
        await first.FetchAsync(r1, c1, "refs/heads/main");
        await first.FetchAsync(r2, c2, "refs/heads/main");
        File.SetLastWriteTimeUtc(Path.Combine(_cache.CloneOf(r1.CloneUrl), GitCloneCache.LastUsedFile), DateTime.UtcNow.AddDays(-1));
        Directory.Delete(_origins[1].BarePath, recursive: true); // r2 can only be served from the adopted clone.

        var restarted = _cache.Source(new GitSettings { MaxRepositories = 1 });

        Assert.Equal(Sorted(r2), _cache.Clones()); // r1 was used longest ago.
        Assert.Equal("two", Text(await restarted.ReadFileAsync(r2, c2, "name.txt")));
    }

    [Fact]
    public async Task AHalfCreatedCloneFolderIsDetectedAndRecreated()
    {
        var (remote, commit) = Origin("one");
        // A crash left the clone's folder without a usable repository, and a temporary folder behind.
        var broken = _cache.CloneOf(remote.CloneUrl);
        Directory.CreateDirectory(Path.Combine(broken, "objects"));
        File.WriteAllText(Path.Combine(broken, "config"), "[core]\n");
        Directory.CreateDirectory(Path.Combine(_cache.Path, ".tmp-" + Path.GetFileName(broken) + "-leftover"));

        var source = _cache.Source();

        Assert.Equal(commit, (await source.FetchAsync(remote, commit, "refs/heads/main")).Sha);
        Assert.Equal([Path.GetFileName(broken)], Directory.GetDirectories(_cache.Path).Select(Path.GetFileName));

        // Damaged while running (HEAD removed): the next call re-creates it rather than failing.
        File.Delete(Path.Combine(broken, "HEAD"));
        Assert.Equal("one", Text(await source.ReadFileAsync(remote, commit, "name.txt")));
    }

    private (GitRemote Remote, string Commit) Origin(string name)
    {
        var origin = new TestGitRepository();
        _origins.Add(origin);
        var commit = origin.Commit(name, ("name.txt", name));
        origin.Push();
        return (new GitRemote("acme/" + name, origin.BarePath), commit);
    }

    private static string[] Sorted(params GitRemote[] remotes) => [.. remotes.Select(r => GitUrl.FolderName(r.CloneUrl)).Order(StringComparer.Ordinal)];

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    public void Dispose()
    {
        foreach (var origin in _origins) origin.Dispose();
        _cache.Dispose();
    }
}

using System.Text;
using VarTrack.Connectors.Git;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Tests.Git;

/// <summary>Fetching exact commits, reading files, diffs and ancestry against local bare repositories.</summary>
public sealed class GitCloneSourceTests : IDisposable
{
    private readonly TestGitRepository _origin = new();
    private readonly GitCacheFolder _cache = new();

    private GitRemote Remote => new("acme/app", _origin.BarePath);

    [Fact]
    public async Task FetchReadsTheNamedCommitNotTheBranchTip()
    {
        var first = _origin.Commit("one", ("config.yaml", "level: 1\n"));
        _origin.Push();
        var second = _origin.Commit("two", ("config.yaml", "level: 2\n"));
        _origin.Push();
        var source = _cache.Source();

        var info = await source.FetchAsync(Remote, first, "refs/heads/main");

        Assert.Equal(first, info.Sha);
        var committed = DateTimeOffset.Parse(TestGitRepository.Git(_origin.WorkPath, "show", "-s", "--format=%cI", first).Trim());
        Assert.Equal(committed, info.Time);
        Assert.Equal("level: 1\n", Text(await source.ReadFileAsync(Remote, first, "config.yaml")));
        Assert.Equal("level: 2\n", Text(await source.ReadFileAsync(Remote, second, "config.yaml")));
    }

    [Fact]
    public async Task FetchOfAFileUrlWorksToo()
    {
        var commit = _origin.Commit("one", ("a.txt", "a"));
        _origin.Push();
        var remote = new GitRemote("acme/app", "file://" + _origin.BarePath);

        var info = await _cache.Source().FetchAsync(remote, commit, "refs/heads/main");

        Assert.Equal(commit, info.Sha);
    }

    [Fact]
    public async Task ACommitAlreadyCloned_IsReadWithoutTheNetwork()
    {
        var commit = _origin.Commit("one", ("config.yaml", "x: 1\n"));
        _origin.Push();
        var source = _cache.Source();
        await source.FetchAsync(Remote, commit, "refs/heads/main");

        // The remote is gone: any network access would fail.
        Directory.Delete(_origin.BarePath, recursive: true);

        Assert.Equal(commit, (await source.FetchAsync(Remote, commit, "refs/heads/main")).Sha);
        Assert.Equal("x: 1\n", Text(await source.ReadFileAsync(Remote, commit, "config.yaml")));
        Assert.Empty(await source.DiffAsync(Remote, commit, commit));
    }

    [Fact]
    public async Task AnAbbreviatedCommitIdResolvesToTheFullOne()
    {
        var commit = _origin.Commit("one", ("a.txt", "a"));
        _origin.Push();
        var source = _cache.Source();

        Assert.Equal(commit, (await source.FetchAsync(Remote, commit[..7].ToUpperInvariant(), "refs/heads/main")).Sha);
        Assert.Equal("a", Text(await source.ReadFileAsync(Remote, commit[..10], "a.txt")));
    }

    [Fact]
    public async Task AMissingCommitIsAClearErrorNamingRepositoryCommitAndUrl()
    {
        _origin.Commit("one", ("a.txt", "a"));
        _origin.Push();

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _cache.Source().FetchAsync(Remote, "0123abc", "refs/heads/main"));

        Assert.Equal($"repository 'acme/app': commit 0123abc not found at {_origin.BarePath}", Assert.Single(error.Problems).Message);
    }

    [Fact]
    public async Task AMissingReferenceFallsBackToAllBranchesAndTags()
    {
        var commit = _origin.Commit("one", ("a.txt", "a"));
        _origin.Push("refs/heads/release");

        Assert.Equal(commit, (await _cache.Source().FetchAsync(Remote, commit, "refs/heads/does-not-exist")).Sha);
    }

    [Fact]
    public async Task TagsAndPullRequestReferencesAreFetchedByName()
    {
        // Over HTTP: libgit2's file transport sends every object of the remote, whatever was asked for.
        GitTestServer.Require();
        using var origin = new TestGitRepository(GitTestServer.Root);
        var remote = new GitRemote("acme/app", $"{GitTestServer.Url}/git/{origin.Name}");
        var tagged = origin.Commit("tagged", ("a.txt", "v1"));
        origin.Push("refs/tags/v1");
        var pull = origin.Commit("pull request", ("a.txt", "pr"));
        origin.Push("refs/pull/7/head");
        var source = _cache.Source();

        // Not on any branch or tag: only the named reference brings it.
        var missing = await Assert.ThrowsAsync<VarTrackException>(() => source.FetchAsync(remote, pull, null));
        Assert.Equal($"repository 'acme/app': commit {pull} not found at {remote.CloneUrl}", missing.Message);
        Assert.Equal(pull, (await source.FetchAsync(remote, pull, "refs/pull/7/head")).Sha);
        Assert.Equal("pr", Text(await source.ReadFileAsync(remote, pull, "a.txt")));
        Assert.Equal(tagged, (await source.FetchAsync(remote, tagged, "refs/tags/v1")).Sha);

        // The clone keeps fetched references under refs/vartrack only: no branch of its own moves.
        var refs = TestGitRepository.Git(_cache.Path, "--git-dir", _cache.CloneOf(remote.CloneUrl), "for-each-ref", "--format=%(refname)").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["refs/vartrack/pull/7/head", "refs/vartrack/tags/v1"], refs);
    }

    [Fact]
    public async Task BadCommitIdsAndReferencesAreRefused()
    {
        var source = _cache.Source();

        var notHex = await Assert.ThrowsAsync<VarTrackException>(() => source.FetchAsync(Remote, "main", null));
        Assert.Equal("repository 'acme/app': 'main' is not a commit id (4 to 40 hexadecimal digits)", notHex.Message);
        var shortRef = await Assert.ThrowsAsync<VarTrackException>(() => source.FetchAsync(Remote, "0123abcd", "main"));
        Assert.Contains("'main' is not a full reference name", shortRef.Message);
    }

    [Fact]
    public async Task ReadFileReturnsBytesOrNullForAbsentPathsAndFolders()
    {
        var commit = _origin.Commit("one", ("config/app.yaml", "a: 1\n"), ("bin.dat", "\u0001\u0002"));
        _origin.Push();
        var source = _cache.Source();

        Assert.Equal("a: 1\n", Text(await source.ReadFileAsync(Remote, commit, "config/app.yaml")));
        Assert.Equal("a: 1\n", Text(await source.ReadFileAsync(Remote, commit, "/config/app.yaml")));
        Assert.Equal(new byte[] { 1, 2 }, await source.ReadFileAsync(Remote, commit, "bin.dat"));
        Assert.Null(await source.ReadFileAsync(Remote, commit, "config/missing.yaml"));
        Assert.Null(await source.ReadFileAsync(Remote, commit, "nope/app.yaml"));
        Assert.Null(await source.ReadFileAsync(Remote, commit, "config"));
        Assert.Null(await source.ReadFileAsync(Remote, commit, ""));
    }

    [Fact]
    public async Task ReadFileOfAnUnfetchedCommitFetchesIt()
    {
        var commit = _origin.Commit("one", ("a.txt", "a"));
        _origin.Push("refs/heads/feature");

        Assert.Equal("a", Text(await _cache.Source().ReadFileAsync(Remote, commit, "a.txt")));
    }

    [Fact]
    public async Task DiffListsAddsModificationsDeletesAndRenamesAsDeletePlusAdd()
    {
        var before = _origin.Commit("before", ("a.yaml", "a: 1\n"), ("b.yaml", "b: 1\n"), ("c.yaml", "c: same content\n"), ("dir/d.yaml", "d: 1\n"));
        _origin.Run("mv", "c.yaml", "dir/e.yaml");
        var after = _origin.Commit("after", ("a.yaml", "a: 2\n"), ("b.yaml", null), ("f.yaml", "f: 1\n"));
        _origin.Push();
        var source = _cache.Source();

        var changes = await source.DiffAsync(Remote, before, after);

        Assert.Equal(
        [
            new GitFileChange("a.yaml", GitChangeKind.Modified),
            new GitFileChange("b.yaml", GitChangeKind.Deleted),
            new GitFileChange("c.yaml", GitChangeKind.Deleted),
            new GitFileChange("dir/e.yaml", GitChangeKind.Added),
            new GitFileChange("f.yaml", GitChangeKind.Added),
        ], changes);
        Assert.Equal(
        [
            new GitFileChange("a.yaml", GitChangeKind.Added),
            new GitFileChange("b.yaml", GitChangeKind.Added),
            new GitFileChange("c.yaml", GitChangeKind.Added),
            new GitFileChange("dir/d.yaml", GitChangeKind.Added),
        ], await source.DiffAsync(Remote, null, before));
    }

    [Fact]
    public async Task AncestryIsTrueFalseOrUnknown()
    {
        var root = _origin.Commit("root", ("a.txt", "0"));
        var main = _origin.Commit("main", ("a.txt", "1"));
        _origin.Push();
        _origin.Run("checkout", "-q", "-b", "side", root);
        var side = _origin.Commit("side", ("a.txt", "2"));
        _origin.Push("refs/heads/side");
        var source = _cache.Source();

        Assert.Null(await source.IsAncestorAsync(Remote, root, main)); // Nothing cloned yet, and ancestry never fetches.
        await source.FetchAsync(Remote, main, "refs/heads/main");
        Assert.True(await source.IsAncestorAsync(Remote, root, main));
        Assert.True(await source.IsAncestorAsync(Remote, main[..8], main));
        Assert.True(await source.IsAncestorAsync(Remote, main, main));
        Assert.False(await source.IsAncestorAsync(Remote, main, root));
        Assert.False(await source.IsAncestorAsync(Remote, main, side));
        Assert.False(await source.IsAncestorAsync(Remote, side, main));
        Assert.True(await source.IsAncestorAsync(Remote, root, side));
        var later = _origin.Commit("later", ("a.txt", "3"));
        _origin.Push("refs/heads/side");
        Assert.Null(await source.IsAncestorAsync(Remote, side, later)); // Pushed after the fetch: unknown locally.
        Assert.Null(await source.IsAncestorAsync(Remote, "0123abcd", main));

        var history = new GitCommitHistory(source, Remote);
        Assert.True(await history.IsAncestorAsync(root, main));
        Assert.False(await history.IsAncestorAsync(main, root));
        Assert.Null(await history.IsAncestorAsync(later, main));
        await source.FetchAsync(Remote, later, "refs/heads/side");
        Assert.True(await history.IsAncestorAsync(side, later));
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    public void Dispose()
    {
        _origin.Dispose();
        _cache.Dispose();
    }
}

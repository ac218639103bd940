using VarTrack.Connectors.Meta;
using VarTrack.Connectors.Tests.Git;
using VarTrack.Core.Config;
using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// A meta repository given as a local path (a bare repository on this machine), as the README allows. libgit2's local
/// push does not compare the branch's old value, so these writes must go through git's receive-pack like a remote.
/// </summary>
public sealed class LocalMetaRepositoryTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("vt-meta-local-").FullName;
    private readonly List<GitMetaRepository> _owned = [];

    public LocalMetaRepositoryTests()
    {
        BarePath = Path.Combine(_root, "meta.git");
        Directory.CreateDirectory(BarePath);
        TestGitRepository.Git(BarePath, "init", "-q", "--bare", "-b", "main");
    }

    private string BarePath { get; }

    public void Dispose()
    {
        foreach (var repository in _owned) repository.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private MetaSettings Settings => new(BarePath) { AuthorName = "Release Bot", AuthorEmail = "bot@example.test" };

    private GitMetaRepository Repository(string clone)
    {
        var repository = new GitMetaRepository(Settings, GitSettings.Default, Path.Combine(_root, "clones", clone), new SettingResolver(_ => null));
        _owned.Add(repository);
        return repository;
    }

    private MetaWriter Writer(string clone, GitMetaRepository? repository = null) =>
        new(repository ?? Repository(clone), new MetaFileCodec(Settings, null, new SettingResolver(_ => null)), clone);

    private static ReleaseRecord Release(string id) =>
        new(id, Created, new Dictionary<string, string> { ["acme/api"] = new('a', 40) }, "ci/7", null);

    [Fact]
    public async Task Of_four_concurrent_promotions_of_one_channel_in_a_local_repository_exactly_one_lands_and_no_event_is_lost()
    {
        var seed = Writer("seed");
        foreach (var id in new[] { "1.0.0", "2.0.0", "2.1.0", "2.2.0", "2.3.0" }) await seed.CreateReleaseAsync("shop", Release(id));
        var repositories = Enumerable.Range(0, 4).Select(i => Repository($"writer-{i}")).ToList();
        var writers = repositories.Select((r, i) => Writer($"writer-{i}", r)).ToList();
        // The race window is short, so it is run on several channels: without an atomic old-value check, some round loses an event.
        for (var round = 0; round < 6; round++)
        {
            var channel = $"prod-{round}";
            await seed.PromoteAsync("shop", channel, "1.0.0", null, "alice", null);
            foreach (var repository in repositories) await repository.ReadTipAsync(TimeSpan.Zero);
            var start = new TaskCompletionSource();
            var attempts = writers.Select((writer, i) => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return (Result: await writer.PromoteAsync("shop", channel, $"2.{i}.0", "1.0.0", $"writer-{i}", null), Conflict: false);
                }
                catch (PromotionConflictException)
                {
                    return (Result: (MetaCommitResult?)null, Conflict: true);
                }
            })).ToList();
            start.SetResult();
            var outcomes = await Task.WhenAll(attempts);

            var winner = Assert.Single(outcomes, o => o.Result is not null).Result!;
            Assert.Equal(3, outcomes.Count(o => o.Conflict));
            var state = ChannelResolver.Resolve(await Repository($"check-{round}").ReadTipAsync(TimeSpan.Zero), "shop", channel)!;
            Assert.Equal((2, winner.Change.Files[0].Path), (state.EventCount, state.LastEventPath.Path));
        }
        Assert.Empty(MetaVerifier.Verify(await Repository("check").HistoryAsync()));
    }
}

using VarTrack.Connectors.Tests.Git;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Connectors.Tests.Meta;

/// <summary>
/// Release metadata written and read through working clones of a repository on the real Git HTTP server
/// (lighttpd + git http-backend): every push goes over smart HTTP to git-receive-pack.
/// </summary>
public sealed class GitMetaRepositoryTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly MetaRemote _remote = new();

    public void Dispose() => _remote.Dispose();

    private static ReleaseRecord Release(string id, char commit = 'a') =>
        new(id, Created, new Dictionary<string, string> { ["acme/api"] = new(commit, 40), ["acme/web"] = new('f', 40) }, "ci/7", null);

    private async Task<MetaWriter> SeededAsync(params string[] releases)
    {
        var writer = _remote.Writer("seed");
        foreach (var id in releases) await writer.CreateReleaseAsync("shop", Release(id));
        return writer;
    }

    [Fact]
    public async Task Releases_and_promotions_land_on_the_server_as_commits_by_the_configured_author()
    {
        var writer = await SeededAsync("1.0.0", "1.1.0");

        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", "launch");
        var promoted = await writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "bob", null);

        Assert.Equal(promoted.Commit, _remote.Head());
        Assert.Equal(Utf8(Release("1.0.0").ToCanonical()), _remote.Show("projects/shop/releases/1.0.0.json"));
        Assert.Equal("Release Bot <bot@example.test> promote shop prod: 1.1.0 from 1.0.0", _remote.Git("log", "-1", "--format=%an <%ae> %s").Trim());
        Assert.Equal("4", _remote.Git("rev-list", "--count", "main").Trim());

        // Another machine's clone sees the same state.
        var tree = await _remote.Repository("reader").ReadTipAsync(TimeSpan.Zero);
        Assert.Equal((promoted.Commit, "1.1.0"), (tree.Commit, ChannelResolver.Resolve(tree, "shop", "prod")!.CurrentReleaseId));
    }

    [Fact]
    public async Task Of_four_concurrent_promotions_of_one_channel_from_four_clones_exactly_one_lands()
    {
        var seed = await SeededAsync("1.0.0", "2.0.0", "2.1.0", "2.2.0", "2.3.0");
        await seed.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var writers = Enumerable.Range(0, 4).Select(i => _remote.Writer($"writer-{i}")).ToList();
        // Every clone fetches first, so all plan against the same tip.
        foreach (var w in Enumerable.Range(0, 4)) await _remote.Repository($"writer-{w}").ReadTipAsync(TimeSpan.Zero);
        var start = new TaskCompletionSource();

        var attempts = writers.Select((writer, i) => Task.Run(async () =>
        {
            await start.Task;
            return await writer.PromoteAsync("shop", "prod", $"2.{i}.0", "1.0.0", $"writer-{i}", null);
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                return (Result: await t, Conflict: (PromotionConflictException?)null);
            }
            catch (PromotionConflictException conflict)
            {
                return (Result: (MetaCommitResult?)null, Conflict: conflict);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Result is not null).Result!;
        var conflicts = outcomes.Where(o => o.Conflict is not null).Select(o => o.Conflict!).ToList();
        Assert.Equal(3, conflicts.Count);
        var won = ChannelResolver.Resolve(await _remote.Repository("check").ReadTipAsync(TimeSpan.Zero), "shop", "prod")!;
        Assert.Equal(winner.Commit, _remote.Head());
        Assert.Equal(2, won.EventCount);
        Assert.All(conflicts, c =>
        {
            Assert.Equal(won.CurrentReleaseId, c.Current!.CurrentReleaseId);
            Assert.Contains($"is at release '{won.CurrentReleaseId}', but the promotion expected release '1.0.0'", c.Message);
        });
        Assert.Empty(MetaVerifier.Verify(await _remote.Repository("check").HistoryAsync()));
    }

    [Fact]
    public async Task A_promotion_whose_push_is_refused_because_another_channel_moved_is_planned_again_and_both_land()
    {
        await SeededAsync("1.0.0");
        var hooked = new HookedMetaRepository(_remote.Repository("a"));
        var writer = _remote.Writer("a", repository: hooked);
        var other = _remote.Writer("b");
        hooked.AfterPlan = async plan =>
        {
            if (plan == 1) await other.PromoteAsync("shop", "beta", "1.0.0", null, "carol", null);
        };

        var result = await writer.PromoteAsync("shop", "prod", "1.0.0", null, "bob", null);

        Assert.Equal((2, 2), (result.Attempts, hooked.Plans));
        Assert.Equal(result.Commit, _remote.Head());
        var tree = await _remote.Repository("check").ReadTipAsync(TimeSpan.Zero);
        Assert.Equal("1.0.0", ChannelResolver.Resolve(tree, "shop", "prod")!.CurrentReleaseId);
        Assert.Equal("carol", ChannelResolver.Resolve(tree, "shop", "beta")!.LastEvent.Actor);
    }

    [Fact]
    public async Task A_promotion_whose_push_is_refused_because_its_own_channel_moved_ends_in_a_conflict()
    {
        await SeededAsync("1.0.0", "1.1.0");
        var hooked = new HookedMetaRepository(_remote.Repository("a"));
        var writer = _remote.Writer("a", repository: hooked);
        var other = _remote.Writer("b");
        hooked.AfterPlan = async plan =>
        {
            if (plan == 1) await other.PromoteAsync("shop", "prod", "1.1.0", null, "carol", null);
        };

        var conflict = await Assert.ThrowsAsync<PromotionConflictException>(() => writer.PromoteAsync("shop", "prod", "1.0.0", null, "bob", null));

        Assert.Equal(("1.1.0", "carol"), (conflict.Current!.CurrentReleaseId, conflict.Current.LastEvent.Actor));
        Assert.Equal("1.1.0", ChannelResolver.Resolve(await _remote.Repository("check").ReadTipAsync(TimeSpan.Zero), "shop", "prod")!.CurrentReleaseId);
    }

    [Fact]
    public async Task Concurrent_promotions_of_different_channels_all_land()
    {
        await SeededAsync("1.0.0");
        var writers = Enumerable.Range(0, 4).Select(i => _remote.Writer($"w{i}")).ToList();

        var results = await Task.WhenAll(writers.Select((w, i) => Task.Run(() => w.PromoteAsync("shop", $"ch{i}", "1.0.0", null, $"w{i}", null))));

        var tree = await _remote.Repository("check").ReadTipAsync(TimeSpan.Zero);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal("1.0.0", ChannelResolver.Resolve(tree, "shop", $"ch{i}")!.CurrentReleaseId));
        Assert.Equal(5, int.Parse(_remote.Git("rev-list", "--count", "main")));
        Assert.Contains(results.Max(r => r.Commit), results.Select(r => r.Commit));
    }

    [Fact]
    public async Task A_rollback_appends_an_event_and_keeps_every_earlier_file()
    {
        var writer = await SeededAsync("1.0.0", "1.1.0");
        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        await writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "alice", null);
        var before = _remote.Git("ls-tree", "-r", "--name-only", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var head = _remote.Head();

        var result = await writer.RollbackAsync("shop", "prod", null, "bob", "bad deploy");

        var after = _remote.Git("ls-tree", "-r", "--name-only", "main").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(before.Append(result.Change.Files[0].Path).Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        Assert.Equal(head, _remote.Git("rev-parse", "main~1").Trim());
        var state = ChannelResolver.Resolve(await _remote.Repository("check").ReadTipAsync(TimeSpan.Zero), "shop", "prod")!;
        Assert.Equal(("1.0.0", "1.1.0", "bad deploy"), (state.CurrentReleaseId, state.LastEvent.PreviousReleaseId, state.LastEvent.Reason));
    }

    [Fact]
    public async Task Lineage_finds_the_release_and_its_sources_from_a_binary_digest()
    {
        var writer = await SeededAsync("1.0.0");
        var digest = "sha256:" + new string('9', 64);
        await writer.AddBinaryAsync("shop", "1.0.0", "linux", "arm64", new BinaryRecord(digest, 5, "https://dl.example/a", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        var problems = new List<Problem>();

        var match = Assert.Single(MetaLineage.Find(await _remote.Repository("reader").ReadTipAsync(TimeSpan.Zero), digest, problems));

        Assert.Equal(("linux-arm64", "1.0.0", new string('a', 40)), (match.BinaryPath.Platform, match.Release!.Id, match.Release.Sources["acme/api"]));
    }

    [Fact]
    public async Task A_release_edited_and_pushed_with_plain_git_is_found_by_verify_with_its_commit_and_path()
    {
        var writer = await SeededAsync("1.0.0");
        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var tampered = _remote.PushWithPlainGit(clone =>
        {
            var file = Path.Combine(clone, "projects/shop/releases/1.0.0.json");
            File.WriteAllText(file, File.ReadAllText(file).Replace(new string('a', 40), new string('c', 40)));
        });

        var findings = MetaVerifier.Verify(await _remote.Repository("auditor").HistoryAsync());

        var finding = Assert.Single(findings);
        Assert.Equal((tampered, "projects/shop/releases/1.0.0.json", "immutable"), (finding.Commit, finding.Path, finding.Rule));
    }

    [Fact]
    public async Task A_fast_forward_merge_whose_first_parent_is_a_rewritten_history_is_found_by_verify()
    {
        var writer = await SeededAsync("1.0.0");
        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var oldTip = _remote.Head()!;
        // Plain git: a new root commit holding the same files with the release edited, then a merge whose FIRST parent is
        // that forged history and whose second parent is the old tip. The push is a fast-forward, so receive-pack takes it.
        var clone = _remote.ClonePath("forger");
        TestGitRepository.Git(Path.GetTempPath(), "clone", "-q", _remote.Url, clone);
        TestGitRepository.Git(clone, "checkout", "-q", "--orphan", "forged");
        var file = Path.Combine(clone, "projects/shop/releases/1.0.0.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace(new string('a', 40), new string('c', 40)));
        TestGitRepository.Git(clone, "add", "-A");
        TestGitRepository.Git(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qm", "history");
        var forgedRoot = TestGitRepository.Git(clone, "rev-parse", "HEAD").Trim();
        TestGitRepository.Git(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "merge", "-q", "-s", "ours", "--allow-unrelated-histories", "-m", "merge", "origin/main");
        TestGitRepository.Git(clone, "push", "-q", "origin", "HEAD:refs/heads/main");
        var merge = _remote.Head()!;
        Assert.Equal(oldTip, _remote.Git("rev-parse", "main^2").Trim());

        var findings = MetaVerifier.Verify(await _remote.Repository("auditor").HistoryAsync());

        Assert.Contains(findings, f => (f.Commit, f.Path, f.Rule) == (merge, "projects/shop/releases/1.0.0.json", MetaVerifier.Immutable)
                                       && f.Message == $"release record differs in the merge from parent {oldTip[..12]}, which has it; records are immutable");
        Assert.Contains(findings, f => f.Rule == MetaVerifier.HistoryRule && f.Path == MetaVerifier.WholeHistory && new[] { forgedRoot, SeedRoot() }.Contains(f.Commit));
        // The forged root writes the release again after the real history wrote it (or the other way round): reported too.
        Assert.Contains(findings, f => f.Path == "projects/shop/releases/1.0.0.json" && f.Rule == MetaVerifier.Immutable && f.Commit != merge);
    }

    private string SeedRoot() => _remote.Git("rev-list", "--max-parents=0", "main^2").Trim();

    [Fact]
    public async Task A_force_pushed_branch_is_refused_by_the_writer_naming_the_old_and_the_new_tip()
    {
        var writer = await SeededAsync("1.0.0", "1.1.0");
        await writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var seen = _remote.Head()!;
        // Plain git: drop the promotion and edit the release, then force the branch there.
        var clone = _remote.ClonePath("forcer");
        TestGitRepository.Git(Path.GetTempPath(), "clone", "-q", _remote.Url, clone);
        TestGitRepository.Git(clone, "reset", "-q", "--hard", "HEAD~1");
        var file = Path.Combine(clone, "projects/shop/releases/1.0.0.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace(new string('a', 40), new string('c', 40)));
        TestGitRepository.Git(clone, "-c", "user.name=Mallory", "-c", "user.email=m@example.test", "commit", "-qam", "rewrite");
        TestGitRepository.Git(clone, "push", "-q", "--force", "origin", "HEAD:refs/heads/main");
        var forced = _remote.Head()!;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => writer.PromoteAsync("shop", "beta", "1.1.0", null, "bob", null));

        Assert.Contains($"branch 'main' was rewritten (force-pushed): this clone last saw {seen}, and the branch is now at {forced}, which does not descend from it", error.Message);
        Assert.Equal(forced, _remote.Head());
        // Readers of that clone keep the history they saw rather than serving the rewritten one.
        await Assert.ThrowsAsync<VarTrackException>(() => _remote.Repository("seed").ReadTipAsync(TimeSpan.Zero));
        Assert.Equal(seen, TestGitRepository.Git(_remote.ClonePath("seed"), "rev-parse", "refs/remotes/origin/main").Trim());
    }

    [Fact]
    public async Task The_writer_refuses_to_rewrite_an_existing_record_and_pushes_nothing()
    {
        await SeededAsync("1.0.0");
        var head = _remote.Head();
        var writer = _remote.Writer("sneaky");

        var error = await Assert.ThrowsAsync<VarTrackException>(() => writer.CommitAsync((_, _) =>
            Task.FromResult(new MetaChange("rewrite", [new MetaFileWrite("projects/shop/releases/1.0.0.json", Release("1.0.0", 'c').ToCanonical())]))));

        Assert.StartsWith("projects/shop/releases/1.0.0.json: refused: release records are immutable and this one already exists at commit ", error.Problems[0].ToString());
        Assert.Equal(head, _remote.Head());
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_pushed()
    {
        var writer = await SeededAsync("1.0.0");
        var head = _remote.Head();

        await Assert.ThrowsAsync<VarTrackException>(() => writer.PromoteAsync("shop", "prod", "9.9.9", null, "alice", null));
        await Assert.ThrowsAsync<VarTrackException>(() => writer.PromoteAsync("shop", "PROD", "1.0.0", null, "alice", null));
        await Assert.ThrowsAsync<VarTrackException>(() => writer.CreateReleaseAsync("shop", Release("1.0.0")));

        Assert.Equal(head, _remote.Head());
    }

    [Fact]
    public async Task A_repository_behind_basic_auth_is_written_with_the_matching_git_credential()
    {
        var settings = _remote.Settings(_remote.AuthUrl);
        var writer = new MetaWriter(_remote.Repository("auth", settings, MetaRemote.WithToken(GitTestServer.Password)),
            new MetaFileCodec(settings, null, new VarTrack.Core.Config.SettingResolver(_ => null)), "auth");

        var result = await writer.CreateReleaseAsync("shop", Release("1.0.0"));

        Assert.Equal(result.Commit, _remote.Head());
        Assert.DoesNotContain(GitTestServer.Password, File.ReadAllText(Path.Combine(_remote.ClonePath("auth"), "config")));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_showing_it()
    {
        const string wrong = "wrong-password-8812";
        var repository = _remote.Repository("auth", _remote.Settings(_remote.AuthUrl), MetaRemote.WithToken(wrong));

        var error = await Assert.ThrowsAsync<VarTrackException>(() => repository.ReadTipAsync(TimeSpan.Zero));

        Assert.Equal($"meta repository 'meta/{_remote.Name[..^4]}' ({_remote.AuthUrl}): cannot fetch: authentication was refused (check the git credential that matches this repository)",
            error.Problems[0].Message);
        Assert.DoesNotContain(wrong, error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error_naming_the_repository()
    {
        var url = $"http://127.0.0.1:{Sinks.TestServices.UnusedPort()}/git/meta/x.git";
        var repository = _remote.Repository("down", _remote.Settings(url));

        var error = await Assert.ThrowsAsync<VarTrackException>(() => repository.ReadTipAsync(TimeSpan.Zero));

        Assert.StartsWith($"meta repository 'meta/x' ({url}): cannot fetch: ", error.Problems[0].Message);
    }

    private static string Utf8(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}

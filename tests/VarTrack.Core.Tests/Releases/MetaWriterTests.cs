using System.Text.Json.Nodes;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>The write operations over a repository with Git's compare-and-swap push rule, held in memory.</summary>
public sealed class MetaWriterTests
{
    private readonly InMemoryMetaRepository _repository = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private readonly MetaWriter _writer;

    public MetaWriterTests() => _writer = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-7", _clock);

    [Fact]
    public async Task A_release_is_one_commit_of_one_canonical_file()
    {
        var result = await _writer.CreateReleaseAsync("shop", Release("1.0.0"));

        var file = Assert.Single(result.Change.Files);
        Assert.Equal("projects/shop/releases/1.0.0.json", file.Path);
        Assert.Equal(Release("1.0.0").ToCanonical(), _repository.TipFiles["projects/shop/releases/1.0.0.json"]);
        Assert.Equal("release shop 1.0.0", result.Change.Message);
    }

    [Fact]
    public async Task Creating_a_release_twice_is_refused_and_writes_nothing()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        var tip = _repository.Tip;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _writer.CreateReleaseAsync("shop", Release("1.0.0", 'b')));

        Assert.Equal("projects/shop/releases/1.0.0.json: release '1.0.0' of project 'shop' already exists (created 2026-11-24T10:15:00.000Z); releases are immutable, create a new release id",
            error.Problems[0].ToString());
        Assert.Equal(tip, _repository.Tip);
    }

    [Fact]
    public async Task Bad_input_names_what_and_writes_nothing()
    {
        var badSource = Release("1.0.0") with { Sources = new Dictionary<string, string> { ["acme/api"] = "HEAD" } };
        Assert.Equal("source 'acme/api' has commit 'HEAD': use the full commit id (40 or 64 lowercase hexadecimal digits)",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.CreateReleaseAsync("shop", badSource))).Problems[0].Message);
        Assert.Equal("release id 'V1' is invalid: use 1-128 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.CreateReleaseAsync("shop", Release("V1")))).Problems[0].Message);
        Assert.Equal("project 'Shop' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.PromoteAsync("Shop", "prod", "1.0.0", null, "alice", null))).Problems[0].Message);
        Assert.Equal("projects/shop/releases/9.9.9.json: project 'shop' has no release '9.9.9' (create it first with vt meta release create)",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.PromoteAsync("shop", "prod", "9.9.9", null, "alice", null))).Problems[0].ToString());
        Assert.Null(_repository.Tip);
    }

    [Fact]
    public async Task Promotions_append_events_that_chain_releases_and_the_last_event_decides()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));

        var first = await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", "launch");
        _clock.Now = _clock.Now.AddMinutes(5);
        var second = await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "bob", null);

        Assert.Equal("projects/shop/channels/prod/events/20261124T100000000Z-ci-7-000001.json", first.Change.Files[0].Path);
        Assert.Equal("projects/shop/channels/prod/events/20261124T100500000Z-ci-7-000002.json", second.Change.Files[0].Path);
        Assert.Equal("promote shop prod: 1.1.0 from 1.0.0", second.Change.Message);
        var state = ChannelResolver.Resolve(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod")!;
        Assert.Equal(("1.1.0", "1.0.0", "bob", 2), (state.CurrentReleaseId, state.LastEvent.PreviousReleaseId, state.LastEvent.Actor, state.EventCount));
    }

    [Fact]
    public async Task A_promotion_expecting_another_release_is_a_conflict_naming_expected_current_who_and_when()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        var tip = _repository.Tip;

        var conflict = await Assert.ThrowsAsync<PromotionConflictException>(() => _writer.PromoteAsync("shop", "prod", "1.1.0", null, "bob", null));

        Assert.Equal("promotion conflict: channel 'prod' of project 'shop' is at release '1.0.0', but the promotion expected no release (a new channel): " +
                     "'1.0.0' was promoted by alice at 2026-11-24T10:00:00.000Z (projects/shop/channels/prod/events/20261124T100000000Z-ci-7-000001.json); " +
                     "check what runs there and promote again with --expect 1.0.0", conflict.Message);
        Assert.Equal(tip, _repository.Tip);
        var noChannel = await Assert.ThrowsAsync<PromotionConflictException>(() => _writer.PromoteAsync("shop", "beta", "1.1.0", "1.0.0", "bob", null));
        Assert.Equal("promotion conflict: channel 'beta' of project 'shop' has no release yet, but the promotion expected release '1.0.0'; use --expect none for a new channel", noChannel.Message);
    }

    [Fact]
    public async Task A_promotion_of_the_same_channel_landing_first_turns_the_retry_into_a_conflict()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        var other = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-8", _clock);
        _repository.BeforePush = async attempt =>
        {
            _repository.BeforePush = null;
            await other.PromoteAsync("shop", "prod", "1.0.0", null, "carol", null);
        };

        var conflict = await Assert.ThrowsAsync<PromotionConflictException>(() => _writer.PromoteAsync("shop", "prod", "1.1.0", null, "bob", null));

        Assert.Equal("1.0.0", conflict.Current!.CurrentReleaseId);
        Assert.Equal("carol", conflict.Current.LastEvent.Actor);
        Assert.Equal("1.0.0", ChannelResolver.Resolve(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod")!.CurrentReleaseId);
    }

    [Fact]
    public async Task A_promotion_of_another_channel_landing_first_is_retried_and_both_land()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        var other = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-8", _clock);
        _repository.BeforePush = async _ =>
        {
            _repository.BeforePush = null;
            await other.PromoteAsync("shop", "beta", "1.0.0", null, "carol", null);
        };

        var result = await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "bob", null);

        Assert.Equal(2, result.Attempts);
        var tip = await _repository.ReadTipAsync(TimeSpan.Zero);
        Assert.Equal("1.0.0", ChannelResolver.Resolve(tip, "shop", "prod")!.CurrentReleaseId);
        Assert.Equal("1.0.0", ChannelResolver.Resolve(tip, "shop", "beta")!.CurrentReleaseId);
    }

    [Fact]
    public async Task An_event_sorts_after_the_last_one_even_when_this_writer_clock_is_behind()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        _clock.Now = _clock.Now.AddHours(-1);

        var result = await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "bob", null);

        Assert.Equal("projects/shop/channels/prod/events/20261124T100000001Z-ci-7-000002.json", result.Change.Files[0].Path);
        Assert.Equal("1.1.0", ChannelResolver.Resolve(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod")!.CurrentReleaseId);
    }

    [Fact]
    public async Task A_rollback_appends_an_event_back_to_the_previous_release()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "alice", null);
        var before = _repository.TipFiles.Keys.ToHashSet();

        var result = await _writer.RollbackAsync("shop", "prod", null, "bob", null);

        var tip = await _repository.ReadTipAsync(TimeSpan.Zero);
        var state = ChannelResolver.Resolve(tip, "shop", "prod")!;
        Assert.Equal(("1.0.0", "1.1.0", "rollback from 1.1.0", 3), (state.CurrentReleaseId, state.LastEvent.PreviousReleaseId, state.LastEvent.Reason, state.EventCount));
        Assert.Subset(_repository.TipFiles.Keys.ToHashSet(), before);
        Assert.Equal("rollback shop prod: 1.0.0 from 1.1.0", result.Change.Message);
    }

    [Fact]
    public async Task A_rollback_needs_somewhere_to_go()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        Assert.Equal("channel 'prod' of project 'shop' has no release; nothing to roll back",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.RollbackAsync("shop", "prod", null, "bob", null))).Problems[0].Message);
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        Assert.Equal("channel 'prod' of project 'shop' has no previous release to roll back to (its last event started the channel); name one with --to",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.RollbackAsync("shop", "prod", null, "bob", null))).Problems[0].Message);
        Assert.Equal("projects/shop/releases/0.9.0.json: project 'shop' has no release '0.9.0' (create it first with vt meta release create)",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.RollbackAsync("shop", "prod", "0.9.0", "bob", null))).Problems[0].ToString());
    }

    [Fact]
    public async Task A_rollback_does_not_undo_a_promotion_that_landed_while_it_was_being_pushed()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.2.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "alice", null);
        var other = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-8", _clock);
        _repository.BeforePush = async _ =>
        {
            _repository.BeforePush = null;
            await other.PromoteAsync("shop", "prod", "1.2.0", "1.1.0", "carol", null);
        };

        var conflict = await Assert.ThrowsAsync<PromotionConflictException>(() => _writer.RollbackAsync("shop", "prod", null, "bob", null));

        Assert.Equal(("1.1.0", "1.2.0"), (conflict.ExpectedReleaseId, conflict.Current!.CurrentReleaseId));
    }

    [Fact]
    public async Task Flag_changes_apply_on_top_of_concurrent_changes_to_other_flags()
    {
        await _writer.SetFlagsAsync("shop", "prod", new Dictionary<string, JsonValue> { ["a"] = FlagSet.ValueOf("true") }, []);
        var other = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-8", _clock);
        _repository.BeforePush = async _ =>
        {
            _repository.BeforePush = null;
            await other.SetFlagsAsync("shop", "prod", new Dictionary<string, JsonValue> { ["b"] = FlagSet.ValueOf("7") }, []);
        };

        var result = await _writer.SetFlagsAsync("shop", "prod", new Dictionary<string, JsonValue> { ["c"] = FlagSet.ValueOf("x") }, ["a"]);

        Assert.Equal(2, result.Attempts);
        Assert.Equal("flags shop prod: set c, unset a", result.Change.Message);
        var flags = await _writer.ReadFlagsAsync(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod", CancellationToken.None);
        Assert.Equal(["b", "c"], flags.Flags.Keys.Order());
    }

    [Fact]
    public async Task Binaries_need_their_release_and_are_written_once()
    {
        var binary = new BinaryRecord("sha256:" + new string('1', 64), 10, "https://dl.example/a", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef");
        Assert.Equal("projects/shop/releases/1.0.0.json: project 'shop' has no release '1.0.0' (create it first with vt meta release create)",
            (await Assert.ThrowsAsync<VarTrackException>(() => _writer.AddBinaryAsync("shop", "1.0.0", "linux", "amd64", binary))).Problems[0].ToString());
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.AddBinaryAsync("shop", "1.0.0", "linux", "amd64", binary);

        var again = await Assert.ThrowsAsync<VarTrackException>(() => _writer.AddBinaryAsync("shop", "1.0.0", "linux", "amd64", binary));

        Assert.Equal("projects/shop/binaries/1.0.0/linux-amd64.json: release '1.0.0' of project 'shop' already has a linux-amd64 binary; binary records are immutable, build a new release",
            again.Problems[0].ToString());
    }

    [Fact]
    public async Task The_writer_checks_every_plan_itself_so_a_repository_that_checks_nothing_never_gets_a_rewrite()
    {
        // The in-memory repository, like any IMetaRepository, commits what it is given: the check is the writer's.
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        var tip = _repository.Tip;

        var error = await Assert.ThrowsAsync<VarTrackException>(() => _writer.CommitAsync((_, _) =>
            Task.FromResult(new MetaChange("sneaky", [new MetaFileWrite("projects/shop/releases/1.0.0.json", Release("1.0.0", 'c').ToCanonical())])), CancellationToken.None));

        Assert.StartsWith("projects/shop/releases/1.0.0.json: refused: release records are immutable and this one already exists at commit ", error.Problems[0].ToString());
        Assert.Equal(tip, _repository.Tip);
    }

    [Fact]
    public async Task An_environment_file_where_a_folder_is_or_under_a_file_is_refused_naming_both_and_writes_nothing()
    {
        await _writer.PutEnvironmentFileAsync("Dev", "alice", "app.yaml", Bytes("a: 1\n"));
        await _writer.PutEnvironmentFileAsync("Dev", "alice", "db.yaml", Bytes("b: 1\n"));
        await _writer.PutEnvironmentFileAsync("Stage", null, "app", Bytes("c: 1\n"));
        var tip = _repository.Tip;

        var folder = await Assert.ThrowsAsync<VarTrackException>(() => _writer.PutEnvironmentFileAsync("Dev", null, "alice", Bytes("x\n")));
        var file = await Assert.ThrowsAsync<VarTrackException>(() => _writer.PutEnvironmentFileAsync("Stage", null, "app/x.yaml", Bytes("x\n")));

        Assert.Equal("envs/Dev/alice: refused: 'envs/Dev/alice' is a folder holding 2 files (envs/Dev/alice/app.yaml, envs/Dev/alice/db.yaml); writing a file there would delete them; choose another name",
            Assert.Single(folder.Problems).ToString());
        Assert.Equal("envs/Stage/app/x.yaml: refused: 'envs/Stage/app' is a file, so writing 'envs/Stage/app/x.yaml' would replace it with a folder and delete it; choose another name",
            Assert.Single(file.Problems).ToString());
        Assert.Equal(tip, _repository.Tip);
    }

    [Fact]
    public void The_last_check_refuses_paths_outside_the_model_and_records_that_are_not_canonical()
    {
        var change = new MetaChange("x",
        [
            new MetaFileWrite("README.md", Bytes("hi")),
            new MetaFileWrite("projects/shop/releases/2.0.json", Bytes("{\"id\":\"2.0\"}")),
            new MetaFileWrite("projects/shop/other/x.json", Bytes("{}")),
        ]);

        var error = Assert.Throws<VarTrackException>(() => MetaImmutability.Check(MetaTree.Empty, change));

        Assert.Equal([
            "README.md: refused: the writer only writes files of the model (projects/... and envs/...)",
            "projects/shop/releases/2.0.json: refused: the record is not canonical JSON",
            "projects/shop/other/x.json: refused: not a place for a file in the model (releases/<id>.json, binaries/<release>/<os>-<arch>.json, channels/<channel>/events/<event>.json, flags/<channel>/flags.json)",
        ], error.Problems.Select(p => p.ToString()));
    }
}

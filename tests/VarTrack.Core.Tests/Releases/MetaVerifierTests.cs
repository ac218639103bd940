using VarTrack.Core.Config;
using VarTrack.Core.Releases;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>Histories written by the writer, then changed as someone with plain Git could; verify names commit, path and rule.</summary>
public sealed class MetaVerifierTests
{
    private const string Event1 = "projects/shop/channels/prod/events/20261124T100000000Z-ci-7-000001.json";
    private readonly InMemoryMetaRepository _repository = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
    private readonly MetaWriter _writer;

    public MetaVerifierTests() => _writer = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-7", _clock);

    private async Task<IReadOnlyList<MetaFinding>> VerifyAsync() => MetaVerifier.Verify(await _repository.HistoryAsync());

    private async Task WriteHistoryAsync()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.CreateReleaseAsync("shop", Release("1.1.0"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", null);
        _clock.Now = _clock.Now.AddMinutes(1);
        await _writer.PromoteAsync("shop", "prod", "1.1.0", "1.0.0", "alice", null);
        await _writer.RollbackAsync("shop", "prod", null, "bob", null);
        await _writer.SetFlagsAsync("shop", "prod", new Dictionary<string, System.Text.Json.Nodes.JsonValue> { ["a"] = FlagSet.ValueOf("true") }, []);
        await _writer.SetFlagsAsync("shop", "prod", new Dictionary<string, System.Text.Json.Nodes.JsonValue> { ["a"] = FlagSet.ValueOf("false") }, []);
        await _writer.PutEnvironmentFileAsync("Prod", null, "app.yaml", Bytes("a: 1\n"));
        _repository.CommitFiles(new Dictionary<string, byte[]?> { ["README.md"] = Bytes("# meta\n") });
    }

    [Fact]
    public async Task What_the_writer_writes_has_no_findings()
    {
        await WriteHistoryAsync();

        Assert.Empty(await VerifyAsync());
    }

    [Fact]
    public async Task A_release_edited_in_a_later_commit_is_reported_with_that_commit_and_path()
    {
        await WriteHistoryAsync();
        var tampered = Release("1.0.0", 'e').ToCanonical();
        var commit = _repository.CommitFiles(new Dictionary<string, byte[]?> { ["projects/shop/releases/1.0.0.json"] = tampered });

        var finding = Assert.Single(await VerifyAsync());

        Assert.Equal((commit, "projects/shop/releases/1.0.0.json", MetaVerifier.Immutable), (finding.Commit, finding.Path, finding.Rule));
        Assert.StartsWith("release record modified after it was written in commit ", finding.Message);
        Assert.Equal($"{commit[..12]} projects/shop/releases/1.0.0.json: [immutable] {finding.Message}", finding.ToString());
    }

    [Fact]
    public async Task Deleting_an_event_and_writing_it_again_are_both_reported()
    {
        await WriteHistoryAsync();
        var original = _repository.TipFiles[Event1];
        var deleted = _repository.CommitFiles(new Dictionary<string, byte[]?> { [Event1] = null });
        var again = _repository.CommitFiles(new Dictionary<string, byte[]?> { [Event1] = original });

        var findings = await VerifyAsync();

        Assert.Equal([(deleted, Event1, "immutable"), (again, Event1, "immutable")], findings.Select(f => (f.Commit, f.Path, f.Rule)));
        Assert.StartsWith("promotion event record deleted after it was written", findings[0].Message);
        Assert.StartsWith("promotion event record written again after it was written", findings[1].Message);
    }

    [Fact]
    public async Task Records_that_are_not_canonical_or_fail_their_schema_are_reported()
    {
        await WriteHistoryAsync();
        var commit = _repository.CommitFiles(new Dictionary<string, byte[]?>
        {
            ["projects/shop/releases/2.0.0.json"] = Bytes(Utf8(Release("2.0.0").ToCanonical()).Replace("\n  ", "\n    ")),
            ["projects/shop/releases/2.1.0.json"] = Bytes("{\"id\": \"2.1.0\"}\n"),
            ["projects/shop/binaries/2.0.0/linux-amd64.json"] = Bytes("not json"),
            ["projects/shop/flags/beta/flags.json"] = Bytes("{\"flags\": {\"x\": [1]}, \"schema_version\": 1}\n"),
        });

        var findings = await VerifyAsync();

        Assert.Equal([
            ("projects/shop/releases/2.0.0.json", "canonical"),
            ("projects/shop/releases/2.1.0.json", "schema"),
            ("projects/shop/binaries/2.0.0/linux-amd64.json", "schema"),
            ("projects/shop/flags/beta/flags.json", "schema"),
        ], findings.Select(f => (f.Path, f.Rule)));
        Assert.All(findings, f => Assert.Equal(commit, f.Commit));
        Assert.Contains("the release record has no 'sources'", findings[1].Message);
        Assert.Contains("the release record has no 'schema_version'", findings[1].Message);
        Assert.Equal("not valid JSON (line 1, byte 2)", findings[2].Message);
        Assert.Equal("flag 'x' must be a boolean, number or string", findings[3].Message);
    }

    [Fact]
    public async Task An_event_whose_previous_release_is_not_the_current_one_breaks_the_chain()
    {
        await WriteHistoryAsync();
        var forged = new PromotionEvent("1.1.0", "0.1.0", "mallory", null, At("20261124T120000000Z")).ToCanonical();
        var path = "projects/shop/channels/prod/events/20261124T120000000Z-mallory-000004.json";
        var commit = _repository.CommitFiles(new Dictionary<string, byte[]?> { [path] = forged });

        var finding = Assert.Single(await VerifyAsync());

        Assert.Equal((commit, path, "event-chain", "previous_release_id is '0.1.0' but the channel was at '1.0.0' before this event"),
            (finding.Commit, finding.Path, finding.Rule, finding.Message));
    }

    [Fact]
    public async Task Events_out_of_order_or_naming_missing_releases_are_reported()
    {
        await WriteHistoryAsync();
        var early = "projects/shop/channels/prod/events/20200101T000000000Z-mallory-000004.json";
        var missing = "projects/shop/channels/beta/events/20261124T120000000Z-mallory-000002.json";
        _repository.CommitFiles(new Dictionary<string, byte[]?>
        {
            [early] = new PromotionEvent("1.1.0", "1.0.0", "mallory", null, At("20200101T000000000Z")).ToCanonical(),
            [missing] = new PromotionEvent("9.0.0", null, "mallory", null, At("20261124T120000000Z")).ToCanonical(),
            ["projects/shop/binaries/7.0.0/linux-amd64.json"] = new BinaryRecord("sha256:" + new string('1', 64), 1, "https://x/y", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef").ToCanonical(),
        });

        var findings = (await VerifyAsync()).Select(f => (f.Path, f.Rule, f.Message)).ToList();

        Assert.Equal([
            ("projects/shop/binaries/7.0.0/linux-amd64.json", "unknown-release", "binary of release '7.0.0', which project 'shop' does not have"),
            (missing, "event-order", "sequence 000002 in the file name, but this is event 1 of the channel"),
            (missing, "unknown-release", "the event promotes release '9.0.0', which project 'shop' does not have"),
            (early, "event-order", $"the event sorts before the channel's last event {_repository.TipFiles.Keys.Where(k => k.Contains("/prod/events/", StringComparison.Ordinal) && k.Contains("ci-7", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Last()[(MetaPaths.EventsFolder("shop", "prod").Length + 1)..]}, so it does not change the current release; event names must sort after every earlier event"),
        ], findings);
    }

    [Fact]
    public async Task An_event_whose_created_time_is_not_the_time_in_its_file_name_is_reported()
    {
        await WriteHistoryAsync();
        var path = "projects/shop/channels/prod/events/20261124T120000000Z-mallory-000004.json";
        var commit = _repository.CommitFiles(new Dictionary<string, byte[]?> { [path] = new PromotionEvent("1.1.0", "1.0.0", "mallory", null, At("20261124T090000000Z")).ToCanonical() });

        var finding = Assert.Single(await VerifyAsync());

        Assert.Equal((commit, path, MetaVerifier.EventTime, "created is 2026-11-24T09:00:00.000Z but the file name says 2026-11-24T12:00:00.000Z; an event's name carries its created time"),
            (finding.Commit, finding.Path, finding.Rule, finding.Message));
    }

    private static DateTimeOffset At(string name) => MetaEventName.TryParse($"{name}-x-000001.json")!.Timestamp;

    [Fact]
    public async Task Files_that_fit_no_layout_are_reported_and_other_files_are_ignored()
    {
        _repository.CommitFiles(new Dictionary<string, byte[]?>
        {
            ["projects/shop/releases/notes.txt"] = Bytes("x"),
            ["envs/QA/app.yaml"] = Bytes("x"),
            ["docs/anything.md"] = Bytes("x"),
        });

        var findings = await VerifyAsync();

        Assert.Equal([("envs/QA/app.yaml", "path"), ("projects/shop/releases/notes.txt", "path")], findings.Select(f => (f.Path, f.Rule)).Order());
    }

    [Fact]
    public async Task Encrypted_flag_sets_are_not_parsed_and_may_change()
    {
        _repository.CommitFiles(new Dictionary<string, byte[]?> { ["projects/shop/flags/prod/flags.json"] = Bytes("age-encryption.org/v1\n-> X25519 abc\n") });
        _repository.CommitFiles(new Dictionary<string, byte[]?> { ["projects/shop/flags/prod/flags.json"] = Bytes("age-encryption.org/v1\n-> X25519 def\n") });

        Assert.Empty(await VerifyAsync());
    }
}

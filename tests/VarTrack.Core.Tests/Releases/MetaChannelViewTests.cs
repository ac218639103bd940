using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;
using static VarTrack.Core.Tests.Releases.MetaTestData;

namespace VarTrack.Core.Tests.Releases;

/// <summary>The read API's answer and the lineage query over a tree.</summary>
public sealed class MetaChannelViewTests
{
    private static readonly string Digest = "sha256:" + new string('d', 64);
    private readonly InMemoryMetaRepository _repository = new();
    private readonly MetaWriter _writer;

    public MetaChannelViewTests() => _writer = new MetaWriter(_repository, new MetaFileCodec(new MetaSettings("/meta.git"), null, new SettingResolver(_ => null)), "ci-7",
        new ManualClock(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero)));

    private async Task<MetaTree> SeedAsync()
    {
        await _writer.CreateReleaseAsync("shop", Release("1.0.0"));
        await _writer.AddBinaryAsync("shop", "1.0.0", "linux", "amd64", new BinaryRecord(Digest, 42, "https://dl.example/shop/1.0.0/linux-amd64", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        await _writer.AddBinaryAsync("shop", "1.0.0", "darwin", "arm64", new BinaryRecord("sha256:" + new string('e', 64), 43, "https://dl.example/shop/1.0.0/darwin-arm64", Convert.ToBase64String(new byte[64]), "ed25519:0123456789abcdef"));
        await _writer.PromoteAsync("shop", "prod", "1.0.0", null, "alice", "launch");
        return await _repository.ReadTipAsync(TimeSpan.Zero);
    }

    [Fact]
    public async Task The_answer_holds_release_binaries_per_platform_event_and_commit()
    {
        var tree = await SeedAsync();

        var answer = MetaChannelView.Build(tree, "shop", "prod");

        Assert.Equal(200, answer.StatusCode);
        var body = answer.Body;
        Assert.Equal(("shop", "prod", tree.Commit), (body["project"]!.GetValue<string>(), body["channel"]!.GetValue<string>(), body["commit"]!.GetValue<string>()));
        Assert.Equal("1.0.0", body["release"]!["id"]!.GetValue<string>());
        Assert.Equal(Commit('a'), body["release"]!["sources"]!["acme/api"]!.GetValue<string>());
        Assert.Equal(["darwin-arm64", "linux-amd64"], body["binaries"]!.AsObject().Select(p => p.Key));
        Assert.Equal(Digest, body["binaries"]!["linux-amd64"]!["digest"]!.GetValue<string>());
        Assert.Equal(("alice", "launch", "projects/shop/channels/prod/events/20261124T100000000Z-ci-7-000001.json"),
            (body["event"]!["actor"]!.GetValue<string>(), body["event"]!["reason"]!.GetValue<string>(), body["event"]!["path"]!.GetValue<string>()));
        Assert.StartsWith("{\"project\":\"shop\",\"channel\":\"prod\",\"release\":{", answer.ToJson());
    }

    [Fact]
    public async Task Unknown_projects_and_channels_are_404_and_bad_names_400()
    {
        var tree = await SeedAsync();

        Assert.Equal((404, """{"error":"unknown_project","message":"the meta repository has no project 'blog'"}"""), Answer(tree, "blog", "prod"));
        Assert.Equal((404, """{"error":"unknown_channel","message":"project 'shop' has no channel 'beta' (no promotion event yet)"}"""), Answer(tree, "shop", "beta"));
        Assert.Equal((400, """{"error":"bad_name","message":"channel 'Prod' is invalid: use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"}"""), Answer(tree, "shop", "Prod"));
        Assert.Equal(404, MetaChannelView.Build(MetaTree.Empty, "shop", "prod").StatusCode);
    }

    [Fact]
    public async Task A_channel_pointing_at_a_missing_release_is_reported_as_inconsistent()
    {
        await SeedAsync();
        _repository.CommitFiles(new Dictionary<string, byte[]?> { ["projects/shop/releases/1.0.0.json"] = null });

        var (status, json) = Answer(await _repository.ReadTipAsync(TimeSpan.Zero), "shop", "prod");

        Assert.Equal(500, status);
        Assert.Contains("meta_inconsistent", json);
        Assert.Contains("names release '1.0.0', which does not exist", json);
    }

    [Fact]
    public async Task Lineage_goes_from_a_digest_to_every_source_commit()
    {
        var tree = await SeedAsync();
        var problems = new List<Problem>();

        var match = Assert.Single(MetaLineage.Find(tree, new string('D', 64), problems));

        Assert.Empty(problems);
        Assert.Equal(("shop", "linux-amd64", "1.0.0"), (match.Project, match.BinaryPath.Platform, match.Release!.Id));
        Assert.Equal(new Dictionary<string, string> { ["acme/api"] = Commit('a'), ["acme/web"] = Commit('f') }, match.Release.Sources);
        Assert.Empty(MetaLineage.Find(tree, "sha256:" + new string('0', 64), problems));
    }

    [Fact]
    public async Task Lineage_reports_unreadable_records_and_keeps_going()
    {
        await SeedAsync();
        _repository.CommitFiles(new Dictionary<string, byte[]?> { ["projects/shop/binaries/0.9.0/linux-amd64.json"] = Bytes("{") });
        var problems = new List<Problem>();

        Assert.Single(MetaLineage.Find(await _repository.ReadTipAsync(TimeSpan.Zero), Digest, problems));
        Assert.Equal("projects/shop/binaries/0.9.0/linux-amd64.json: not valid JSON (line 1, byte 2)", Assert.Single(problems).ToString());
    }

    private static (int, string) Answer(MetaTree tree, string project, string channel)
    {
        var answer = MetaChannelView.Build(tree, project, channel);
        return (answer.StatusCode, answer.ToJson());
    }
}

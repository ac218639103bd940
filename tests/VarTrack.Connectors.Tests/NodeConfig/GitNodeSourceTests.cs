using System.Text;
using System.Text.Json;
using VarTrack.Connectors.Tests.Git;
using VarTrack.Core.Errors;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Connectors.Tests.NodeConfig;

/// <summary>Both materializers reading a Git path at a pinned commit through the real clone cache (LibGit2Sharp) from a local bare repository.</summary>
public sealed class GitNodeSourceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TestGitRepository _origin = new();
    private readonly GitCacheFolder _cache = new();

    public void Dispose()
    {
        _origin.Dispose();
        _cache.Dispose();
    }

    private static NodeSnapshot Snapshot(params string[] identifiers) =>
        new(identifiers.Select((id, i) => new NodeRegistration(id, $"10.0.0.{i + 1}", JsonDocument.Parse("{}").RootElement.Clone(), T0, T0)));

    private static string Text(NodeArtifact artifact) => Encoding.UTF8.GetString(artifact.Content);

    [Fact]
    public async Task Template_and_precomputed_read_the_pinned_commit_not_the_branch_tip()
    {
        var pinned = _origin.Commit("one",
            ("cluster/node.tmpl", "id={{ self.identifier }} v1\n"),
            ("cluster/peers.tmpl", "{{#each nodes separator=\" \"}}{{ address }}{{/each}}\n"),
            ("cluster/nodes/node-1/app.conf", "precomputed v1\n"),
            ("cluster/shared/ca.pem", "CA v1\n"),
            ("elsewhere/nodes/node-1/app.conf", "not this\n"));
        _origin.Push();
        _origin.Commit("two", ("cluster/node.tmpl", "id={{ self.identifier }} v2\n"), ("cluster/nodes/node-1/app.conf", "precomputed v2\n"));
        _origin.Push();
        var source = new NodeSourceSettings { Repository = "acme/cluster", Commit = pinned[..10], Ref = "refs/heads/main", CloneUrl = _origin.BarePath, Path = "cluster" };
        var git = _cache.Source();

        var template = NodeMaterializers.Create(new NodeMaterializerSettings(NodeMaterializerType.Template, source)
        {
            MinNodes = 2,
            NodeFiles = new Dictionary<string, string> { ["node.conf"] = "node.tmpl" },
            SharedFiles = new Dictionary<string, string> { ["shared/peers"] = "peers.tmpl" },
        }, git);
        var rendered = Assert.IsType<MaterializationReady>(await template.MaterializeAsync(Snapshot("node-1", "node-2")));
        Assert.Equal("id=node-2 v1\n", Text(rendered.NodeFiles["node-2"][0]));
        Assert.Equal("10.0.0.1 10.0.0.2\n", Text(rendered.SharedFiles[0]));

        var precomputed = NodeMaterializers.Create(new NodeMaterializerSettings(NodeMaterializerType.Precomputed, source), git);
        var ready = Assert.IsType<MaterializationReady>(await precomputed.MaterializeAsync(Snapshot("node-1", "node-2")));
        Assert.Equal(["app.conf:precomputed v1\n", "shared/ca.pem:CA v1\n"], ready.FilesFor("node-1")!.Select(f => $"{f.Path}:{Text(f)}"));
        Assert.Null(ready.FilesFor("node-2"));
        Assert.Single(_cache.Clones());
    }

    [Fact]
    public async Task A_missing_template_names_the_repository_commit_and_path()
    {
        var commit = _origin.Commit("one", ("cluster/peers.tmpl", "x"));
        _origin.Push();
        var source = new NodeSourceSettings { Repository = "acme/cluster", Commit = commit, CloneUrl = _origin.BarePath, Path = "cluster" };
        var template = NodeMaterializers.Create(new NodeMaterializerSettings(NodeMaterializerType.Template, source)
        {
            MinNodes = 1,
            NodeFiles = new Dictionary<string, string> { ["node.conf"] = "node.tmpl" },
        }, _cache.Source());

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => template.MaterializeAsync(Snapshot("node-1")));
        Assert.Equal($"template acme/cluster@{commit[..7]}:cluster/node.tmpl does not exist", ex.Message);
    }
}

using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Core.Tests.Config;

/// <summary>The <c>nodes:</c> section of vartrack.yaml: every value bound, and each bad setting reported at its line and column naming the key.</summary>
public sealed class NodeSettingsBinderTests : IDisposable
{
    private const string File = "vartrack.yaml";
    private readonly string _folder = Directory.CreateTempSubdirectory("vartrack-nodes-config-").FullName;

    public NodeSettingsBinderTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "nodes"));
        System.IO.File.WriteAllText(Path.Combine(_folder, "nodes", "node.yaml.tmpl"), "id: {{ self.identifier }}\n");
        System.IO.File.WriteAllText(Path.Combine(_folder, "nodes", "peers.txt.tmpl"), "{{#each nodes}}{{ address }}\n{{/each}}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private VarTrackConfig Load(string yaml) => VarTrackConfigLoader.Parse(yaml, File, _folder);

    private List<string> Fails(string yaml)
    {
        var ex = Assert.Throws<VarTrackException>(() => Load(yaml));
        Assert.All(ex.Problems, p => Assert.Equal(File, p.File));
        return ex.Problems.Select(p => $"{p.Position}: {p.Message}").ToList();
    }

    [Fact]
    public void A_template_section_binds_every_setting()
    {
        var nodes = Load("""
            nodes:
              deployment: cluster-a
              tokens: { bootstrap: "${NODE_BOOTSTRAP_TOKEN}" }
              retry_after: 7s
              keep_payloads: 3
              registry: { connection: "${AZURE_STORAGE_CONNECTION}", table: clusternodes }
              materializer:
                type: template
                min_nodes: 2
                source: { folder: ./nodes }
                node_files: { "config.yaml": "node.yaml.tmpl", "./etc//node.conf": node.yaml.tmpl }
                shared_files: { "shared/peers.txt": "peers.txt.tmpl" }
                secret_files: ["config.yaml"]
            """).Nodes!;

        Assert.Equal("cluster-a", nodes.Deployment);
        Assert.Equal(TimeSpan.FromSeconds(7), nodes.RetryAfter);
        Assert.Equal(3, nodes.KeepPayloads);
        Assert.Equal("${NODE_BOOTSTRAP_TOKEN}", nodes.Tokens.Bootstrap!.Raw);
        Assert.Equal(["NODE_BOOTSTRAP_TOKEN"], nodes.Tokens.Bootstrap.EnvironmentVariables);
        Assert.Empty(nodes.Tokens.PerNode);
        Assert.Equal(("${AZURE_STORAGE_CONNECTION}", "clusternodes"), (nodes.Registry!.Connection.Raw, nodes.Registry.Table));
        var m = nodes.Materializer;
        Assert.Equal(NodeMaterializerType.Template, m.Type);
        Assert.Equal(2, m.MinNodes);
        Assert.Null(m.Identifiers);
        Assert.Equal(Path.Combine(_folder, "nodes"), m.Source.Folder);
        Assert.False(m.Source.IsGit);
        Assert.Equal(new Dictionary<string, string> { ["config.yaml"] = "node.yaml.tmpl", ["etc/node.conf"] = "node.yaml.tmpl" }, m.NodeFiles);
        Assert.Equal(new Dictionary<string, string> { ["shared/peers.txt"] = "peers.txt.tmpl" }, m.SharedFiles);
        Assert.Equal(["config.yaml"], m.SecretFiles);
    }

    [Fact]
    public void Defaults_and_a_precomputed_git_source_with_per_node_tokens()
    {
        var nodes = Load("""
            git:
              clone_url: https://git.example/{repository}.git
            nodes:
              tokens:
                per_node: { node-1: "${TOKEN_1}", node-2: "@secret(kv/nodes#node-2)" }
              materializer:
                type: precomputed
                identifiers: [node-1, node-2]
                source: { repository: org/cluster-config, commit: 0123456789ABCDEF0123456789abcdef01234567, ref: main, path: /nodes/prod/ }
                secret_files: [config.yaml]
            """).Nodes!;

        Assert.Equal(NodeSettings.DefaultDeployment, nodes.Deployment);
        Assert.Equal(TimeSpan.FromSeconds(5), nodes.RetryAfter);
        Assert.Equal(10, nodes.KeepPayloads);
        Assert.Null(nodes.Registry);
        Assert.Null(nodes.Tokens.Bootstrap);
        Assert.Equal(["node-1", "node-2"], nodes.Tokens.PerNode.Keys.Order());
        Assert.Equal("kv/nodes", nodes.Tokens.PerNode["node-2"].Secret!.Path);
        var source = nodes.Materializer.Source;
        Assert.True(source.IsGit);
        Assert.Equal(("org/cluster-config", "0123456789abcdef0123456789abcdef01234567", "refs/heads/main", "https://git.example/org/cluster-config.git", "nodes/prod"),
            (source.Repository, source.Commit, source.Ref, source.CloneUrl, source.Path));
        Assert.Equal(["node-1", "node-2"], nodes.Materializer.Identifiers);
        Assert.Equal(["config.yaml"], nodes.Materializer.SecretFiles);
    }

    [Fact]
    public void Without_a_nodes_section_there_are_no_node_settings()
    {
        Assert.Null(Load("rules: []\n").Nodes);
    }

    [Fact]
    public void A_payload_path_escaping_the_root_is_refused_at_its_key()
    {
        Assert.Equal(
        [
            "6:19: payload path '../x' in 'node_files' of 'materializer' of 'nodes' must not contain '..'",
            "7:21: payload path '/etc/passwd' in 'shared_files' of 'materializer' of 'nodes' must be relative (it starts with '/')",
        ], Fails("""
            nodes:
              tokens: { bootstrap: secret }
              materializer:
                type: template
                min_nodes: 1
                node_files: { "../x": node.yaml.tmpl }
                shared_files: { "/etc/passwd": peers.txt.tmpl }
                source: { folder: nodes }
            """));
    }

    [Fact]
    public void Bad_tokens_are_reported_with_their_positions()
    {
        Assert.Equal(["2:11: 'tokens' of 'nodes' needs exactly one of 'bootstrap' (one token for every node) or 'per_node' (a token per node identifier)"], Fails("""
            nodes:
              tokens: { bootstrap: a, per_node: { n1: b } }
              materializer: { type: precomputed, source: { folder: nodes } }
            """));
        Assert.Equal(["2:3: 'nodes' needs 'tokens' (bootstrap: ${TOKEN}, or per_node: {node-1: ${TOKEN_1}})"], Fails("""
            nodes:
              materializer: { type: precomputed, source: { folder: nodes } }
            """));
        Assert.Equal(
        [
            "2:25: node identifier 'bad id' in 'per_node' of 'tokens' of 'nodes' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
            "2:42: 'n2' of 'per_node' of 'tokens' of 'nodes' has a malformed environment reference; write ${NAME} with letters, digits and '_'",
        ], Fails("""
            nodes:
              tokens: { per_node: { "bad id": a, n2: "${oops" } }
              materializer: { type: precomputed, source: { folder: nodes } }
            """));
    }

    [Fact]
    public void Keep_payloads_below_one_is_refused_at_its_position()
    {
        Assert.Equal(["2:18: 'keep_payloads' in 'nodes' must be at least 1 (the payload being served is always kept)"], Fails("""
            nodes:
              keep_payloads: 0
              tokens: { bootstrap: x }
              materializer: { type: precomputed, source: { folder: nodes } }
            """));
    }

    [Fact]
    public void Bad_materializer_settings_are_each_reported()
    {
        Assert.Equal(
        [
            "2:3: unknown key 'retry' in 'nodes' (allowed: deployment, tokens, retry_after, registry, materializer, keep_payloads)",
            "3:15: 'deployment' in 'nodes' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
            "5:25: 'type' in 'materializer' of 'nodes' must be one of precomputed, template; found 'magic'",
        ], Fails("""
            nodes:
              retry: 5s
              deployment: "a/b"
              tokens: { bootstrap: x }
              materializer: { type: magic, source: { folder: nodes } }
            """));

        Assert.Equal(
        [
            "4:5: 'materializer' of 'nodes' (type template) needs 'min_nodes' or 'identifiers' (when to render)",
            "6:16: 'min_nodes' in 'materializer' of 'nodes' must be at least 1",
            "7:19: node identifier 'node 1' in 'identifiers' of 'materializer' of 'nodes' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit",
            "7:33: node identifier 'n2' is listed twice in 'identifiers' of 'materializer' of 'nodes'",
        ], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                type: template
                source: { folder: nodes }
                node_files: { a: node.yaml.tmpl }
            """).Take(1).Concat(Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                type: template
                source: { folder: nodes }
                min_nodes: 0
                identifiers: ["node 1", n2, n2]
                node_files: { a: node.yaml.tmpl }
            """).Where(p => !p.Contains("not both", StringComparison.Ordinal))));
    }

    [Fact]
    public void Template_files_and_secret_files_are_checked_against_the_source()
    {
        Assert.Equal(
        [
            "6:32: template 'missing.tmpl' of 'config.yaml' in 'materializer' of 'nodes' does not exist in " + Path.Combine(_folder, "nodes"),
            "7:20: 'other.yaml' in 'secret_files' of 'materializer' of 'nodes' is not a payload path of 'node_files' or 'shared_files'",
        ], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                type: template
                min_nodes: 1
                node_files: { config.yaml: missing.tmpl }
                secret_files: [other.yaml]
                source: { folder: nodes }
            """));
    }

    [Fact]
    public void Folder_templates_are_parsed_at_load_so_a_syntax_error_names_the_template_line_and_column()
    {
        System.IO.File.WriteAllText(Path.Combine(_folder, "nodes", "node.yaml.tmpl"), "id: {{ self.identifier }}\nip: {{ self.ip }}\n");
        System.IO.File.WriteAllText(Path.Combine(_folder, "nodes", "peers.txt.tmpl"), "{{#each nodes}}\n{{ address }}\n");

        var ex = Assert.Throws<VarTrackException>(() => Load("""
            nodes:
              tokens: { bootstrap: t }
              materializer:
                type: template
                min_nodes: 2
                source: { folder: ./nodes }
                node_files: { "config.yaml": node.yaml.tmpl }
                shared_files: { "shared/peers.txt": peers.txt.tmpl }
            """));

        var problems = ex.Problems.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, problems.Count);
        Assert.StartsWith($"{Path.Combine(_folder, "nodes", "node.yaml.tmpl")}:2:5: unknown name 'self.ip'", problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(_folder, "nodes", "peers.txt.tmpl")}:1:1: ", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_need_exactly_one_kind_and_a_pinned_commit()
    {
        Assert.Equal(["4:13: 'source' of 'materializer' of 'nodes' needs exactly one of 'folder' (a local folder) or 'repository' (with 'commit')"], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                source: { folder: nodes, repository: a/b }
                type: precomputed
            """));
        Assert.Equal(
        [
            "4:13: 'source' of 'materializer' of 'nodes' needs 'commit'",
            "4:27: 'source' of 'materializer' of 'nodes' needs 'clone_url', or a 'git.clone_url' template, to fetch 'a/b'",
        ], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                source: { repository: a/b }
                type: precomputed
            """));
        Assert.Equal(["4:54: 'commit' in 'source' of 'materializer' of 'nodes' must be a commit id of 7 to 40 hex digits (the commit is pinned so every node reads the same files)"], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                source: { repository: a/b, clone_url: x, commit: main }
                type: precomputed
            """));
        Assert.Equal(["4:23: 'folder' in 'source' of 'materializer' of 'nodes' names 'nowhere', which is not a folder (paths are relative to vartrack.yaml)"], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer:
                source: { folder: nowhere }
                type: precomputed
            """));
    }

    [Fact]
    public void Registry_settings_are_checked_and_cannot_be_secret_references()
    {
        Assert.Equal(
        [
            "3:27: 'connection' of 'registry' of 'nodes' cannot be a secret reference (the registry is opened when the host starts; use ${ENV_VAR})",
            "3:53: 'table' in 'registry' of 'nodes' must be an Azure table name: 3 to 63 letters and digits, starting with a letter",
        ], Fails("""
            nodes:
              tokens: { bootstrap: x }
              registry: { connection: "@secret(kv/a#b)", table: "no-dashes" }
              materializer: { type: precomputed, source: { folder: nodes } }
            """));
    }

    [Fact]
    public void Precomputed_takes_no_file_maps()
    {
        Assert.Equal(["4:19: 'node_files' in 'materializer' of 'nodes' applies to type template only (a precomputed source holds nodes/<identifier>/ and shared/)"], Fails("""
            nodes:
              tokens: { bootstrap: x }
              materializer: { type: precomputed, source: { folder: nodes },
                              node_files: { a: b } }
            """).Select(p => p).ToList());
    }
}

using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Git;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;
using static VarTrack.Core.Tests.NodeConfig.Nodes;

namespace VarTrack.Core.Tests.NodeConfig;

/// <summary>The built-in materializers over real folders (and a Git source over a recorded fake), and the cache and persistence wrappers.</summary>
public sealed class MaterializerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-nodes-src-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("vt-nodes-outside-").FullName;

    private static readonly NodeRegistration N1 = Node("node-1", "10.0.0.1", """{"zone":"a"}""");
    private static readonly NodeRegistration N2 = Node("node-2", "10.0.0.2", """{"zone":"b"}""");
    private static readonly NodeRegistration N3 = Node("node-3", "10.0.0.3", """{"zone":"c"}""");

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private void Write(string path, string text)
    {
        var full = Path.Combine(_folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private NodeMaterializerSettings TemplateSettings(int? minNodes = 2, IReadOnlyList<string>? identifiers = null) =>
        new(NodeMaterializerType.Template, new NodeSourceSettings { Folder = _folder })
        {
            MinNodes = identifiers is null ? minNodes : null,
            Identifiers = identifiers,
            NodeFiles = new Dictionary<string, string> { ["config.yaml"] = "node.tmpl" },
            SharedFiles = new Dictionary<string, string> { ["shared/peers.txt"] = "peers.tmpl" },
            SecretFiles = new HashSet<string> { "config.yaml" },
        };

    private void WriteTemplates()
    {
        Write("node.tmpl", "id: {{ self.identifier }}\nzone: {{ self.metadata.zone }}\n");
        Write("peers.tmpl", "{{#each nodes}}\n{{ identifier }} {{ address }}\n{{/each}}\n");
    }

    private static string Text(NodeArtifact artifact) => Encoding.UTF8.GetString(artifact.Content);

    [Fact]
    public async Task Template_waits_for_min_nodes_then_renders_node_and_shared_files()
    {
        WriteTemplates();
        var materializer = new TemplateMaterializer(TemplateSettings(), new FolderNodeSource(_folder));

        var waiting = Assert.IsType<MaterializationNotReady>(await materializer.MaterializeAsync(Snapshot(N1)));
        Assert.Equal("1 of at least 2 nodes registered; waiting for 1 more", waiting.Reason);

        var ready = Assert.IsType<MaterializationReady>(await materializer.MaterializeAsync(Snapshot(N2, N1)));
        var files = ready.FilesFor("node-2")!;
        Assert.Equal(["config.yaml", "shared/peers.txt"], files.Select(f => f.Path));
        Assert.Equal("id: node-2\nzone: b\n", Text(files[0]));
        Assert.Equal("0600", files[0].Mode);
        Assert.Equal("node-1 10.0.0.1\nnode-2 10.0.0.2\n", Text(files[1]));
        Assert.Null(files[1].Mode);
    }

    [Fact]
    public async Task Template_with_identifiers_renders_in_their_order_and_leaves_strangers_missing()
    {
        WriteTemplates();
        var materializer = new TemplateMaterializer(TemplateSettings(identifiers: ["node-2", "node-1"]), new FolderNodeSource(_folder));

        Assert.Equal("1 of 2 expected nodes registered; waiting for node-1",
            Assert.IsType<MaterializationNotReady>(await materializer.MaterializeAsync(Snapshot(N2, N3))).Reason);
        var ready = Assert.IsType<MaterializationReady>(await materializer.MaterializeAsync(Snapshot(N1, N2, N3)));
        Assert.Equal("node-2 10.0.0.2\nnode-1 10.0.0.1\n", Text(ready.SharedFiles[0]));
        Assert.Null(ready.FilesFor("node-3"));
        Assert.Equal("node 'node-3' is not one of the expected identifiers", ready.MissingReasons["node-3"]);
    }

    [Fact]
    public async Task A_template_error_names_the_template_file_line_and_column()
    {
        Write("node.tmpl", "id: {{ self.identifier }}\nip: {{ self.ip }}\n");
        Write("peers.tmpl", "x");
        var materializer = new TemplateMaterializer(TemplateSettings(), new FolderNodeSource(_folder));

        var ex = await Assert.ThrowsAsync<VarTrackException>(() => materializer.MaterializeAsync(Snapshot(N1, N2)));
        Assert.StartsWith($"{Path.Combine(_folder, "node.tmpl")}:2:5: unknown name 'self.ip'", Assert.Single(ex.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Precomputed_serves_each_nodes_folder_and_shared_and_a_node_without_files_is_missing()
    {
        Write("nodes/node-1/config.yaml", "one");
        Write("nodes/node-1/certs/node.pem", "pem");
        Write("shared/peers.txt", "peers");
        Write("README.md", "not delivered");
        var settings = new NodeMaterializerSettings(NodeMaterializerType.Precomputed, new NodeSourceSettings { Folder = _folder }) { SecretFiles = new HashSet<string> { "certs/node.pem" } };
        var materializer = new PrecomputedMaterializer(settings, new FolderNodeSource(_folder));

        var ready = Assert.IsType<MaterializationReady>(await materializer.MaterializeAsync(Snapshot(N1, N2)));
        var files = ready.FilesFor("node-1")!;
        Assert.Equal(["certs/node.pem", "config.yaml", "shared/peers.txt"], files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal("0600", files.Single(f => f.Path == "certs/node.pem").Mode);
        Assert.Equal("shared/peers.txt", files[^1].Path);
        Assert.Null(ready.FilesFor("node-2"));
        Assert.Contains("no files for node 'node-2'", ready.MissingReasons["node-2"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Precomputed_follows_links_inside_the_folder_like_a_configmap_volume_and_refuses_links_outside()
    {
        // The layout Kubernetes uses for ConfigMap and Secret volumes: files are links through ..data.
        Write("..2025_06_01/nodes/node-1/config.yaml", "from the volume");
        File.CreateSymbolicLink(Path.Combine(_folder, "..data"), "..2025_06_01");
        File.CreateSymbolicLink(Path.Combine(_folder, "nodes"), "..data/nodes");
        var settings = new NodeMaterializerSettings(NodeMaterializerType.Precomputed, new NodeSourceSettings { Folder = _folder });
        var materializer = new PrecomputedMaterializer(settings, new FolderNodeSource(_folder));

        var ready = Assert.IsType<MaterializationReady>(await materializer.MaterializeAsync(Snapshot(N1)));
        Assert.Equal("from the volume", Text(Assert.Single(ready.FilesFor("node-1")!)));

        File.WriteAllText(Path.Combine(_outside, "passwd"), "root:x:0:0");
        Directory.CreateDirectory(Path.Combine(_folder, "shared"));
        File.CreateSymbolicLink(Path.Combine(_folder, "shared", "passwd"), Path.Combine(_outside, "passwd"));
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => materializer.MaterializeAsync(Snapshot(N1)));
        Assert.Contains("shared/passwd is a symbolic link (or below one) that leads outside the source folder; refused", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("root:x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_source_version_changes_when_a_file_changes()
    {
        Write("nodes/node-1/a", "1");
        var source = new FolderNodeSource(_folder);
        var before = await source.VersionAsync();
        Assert.Equal(before, await source.VersionAsync());
        Write("nodes/node-1/a", "22");
        Assert.NotEqual(before, await source.VersionAsync());
    }

    [Fact]
    public async Task A_git_source_reads_the_pinned_commit_under_its_path_after_one_fetch_with_the_reference()
    {
        var git = new RecordingGit(new Dictionary<string, string>
        {
            ["cluster/node.tmpl"] = "id={{ self.identifier }}",
            ["cluster/peers.tmpl"] = "{{#each nodes separator=\",\"}}{{ address }}{{/each}}",
            ["other/x"] = "x",
        });
        var settings = TemplateSettings() with { Source = new NodeSourceSettings { Repository = "org/cfg", Commit = "abc1234", CloneUrl = "https://git/org/cfg.git", Ref = "refs/heads/main", Path = "cluster" } };
        var materializer = NodeMaterializers.Create(settings, git);

        var ready = Assert.IsType<MaterializationReady>(await materializer.MaterializeAsync(Snapshot(N1, N2)));
        Assert.Equal("id=node-1", Text(ready.FilesFor("node-1")![0]));
        Assert.Equal("10.0.0.1,10.0.0.2", Text(ready.SharedFiles[0]));
        Assert.Equal(["fetch abc1234 refs/heads/main"], git.Calls.Where(c => c.StartsWith("fetch", StringComparison.Ordinal)));
        Assert.All(git.Calls.Where(c => c.StartsWith("read", StringComparison.Ordinal)), c => Assert.StartsWith("read abc1234 cluster/", c, StringComparison.Ordinal));
        Assert.Equal("template:", (await materializer.VersionAsync())[..9]);
        Assert.EndsWith("git:org/cfg@abc1234:cluster", await materializer.VersionAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cache_keeps_only_ready_results_and_shares_one_run_between_concurrent_callers()
    {
        var inner = new CountingMaterializer(snapshot => snapshot.Nodes.Count < 2 ? new MaterializationNotReady("wait") : Ready(snapshot));
        var cached = new CachedMaterializer(inner);

        await cached.MaterializeAsync(Snapshot(N1));
        await cached.MaterializeAsync(Snapshot(N1));
        Assert.Equal(2, inner.Runs);

        inner.Delay = TimeSpan.FromMilliseconds(200);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cached.MaterializeAsync(Snapshot(N2, N1))));
        Assert.Equal(3, inner.Runs);
        Assert.All(results, r => Assert.Same(results[0], r));
        await cached.MaterializeAsync(Snapshot(N1, N2));
        Assert.Equal(3, inner.Runs);

        inner.Version = "v2";
        await cached.MaterializeAsync(Snapshot(N1, N2));
        Assert.Equal(4, inner.Runs);
    }

    [Fact]
    public async Task Callers_arriving_while_a_run_finishes_never_start_a_second_run_for_a_ready_key()
    {
        // A caller that missed the ready list just before a run stored its result, and reached the running map just
        // after the run left it, started the same materialization again. Rounds of callers released together, with an
        // instant inner materializer, can hit that window (the window is narrow: this guards against the old code
        // rather than failing on it every time).
        for (var round = 0; round < 300; round++)
        {
            var inner = new CountingMaterializer(snapshot => Ready(snapshot, $"round {round}"));
            var cached = new CachedMaterializer(inner);
            using var start = new Barrier(8);
            // Own threads (LongRunning): callers blocked at a barrier would otherwise starve the shared pool.
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return cached.MaterializeAsync(Snapshot(N1, N2)).GetAwaiter().GetResult();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

            Assert.True(inner.Runs == 1, $"round {round}: {inner.Runs} runs");
            Assert.All(results, r => Assert.Same(results[0], r));
        }
    }

    [Fact]
    public async Task Persisted_results_are_served_by_every_instance_and_the_first_writer_wins()
    {
        var state = new InMemoryStateStore();
        var first = new CountingMaterializer(snapshot => Ready(snapshot, "first"));
        var second = new CountingMaterializer(snapshot => Ready(snapshot, "second"));

        var a = Assert.IsType<MaterializationReady>(await new PersistedMaterializer(first, state, "prod").MaterializeAsync(Snapshot(N1, N2)));
        var b = Assert.IsType<MaterializationReady>(await new PersistedMaterializer(second, state, "prod").MaterializeAsync(Snapshot(N1, N2)));

        Assert.Equal("first", Text(a.SharedFiles[0]));
        Assert.Equal("first", Text(b.SharedFiles[0]));
        Assert.Equal(0, second.Runs);
        var key = Assert.Single(await state.ListAsync("node-artifacts"));
        Assert.StartsWith("node-artifacts/prod/", key, StringComparison.Ordinal);
        Assert.Equal(["0600"], b.NodeFiles["node-1"].Select(f => f.Mode));
    }

    [Fact]
    public async Task A_damaged_persisted_document_is_an_error_not_a_wrong_file()
    {
        var state = new InMemoryStateStore();
        var inner = new CountingMaterializer(snapshot => Ready(snapshot, "genuine"));
        await new PersistedMaterializer(inner, state, "prod").MaterializeAsync(Snapshot(N1));
        var key = Assert.Single(await state.ListAsync("node-artifacts"));
        var text = Encoding.UTF8.GetString((await state.ReadAsync(key))!).Replace("genuine", "tampered", StringComparison.Ordinal);
        await state.WriteAsync(key, Encoding.UTF8.GetBytes(text));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new PersistedMaterializer(inner, state, "prod").MaterializeAsync(Snapshot(N1)));
        Assert.Equal($"state document '{key}' is corrupt: the SHA-256 of file 'shared/all.txt' does not match", ex.Message);
    }

    [Fact]
    public async Task Persisting_a_new_payload_deletes_all_but_the_newest_keep_of_its_deployment()
    {
        var state = new InMemoryStateStore();
        var clock = new Releases.ManualClock(T0);
        var inner = new CountingMaterializer(snapshot => Ready(snapshot));
        var persisted = new PersistedMaterializer(inner, state, "prod", keep: 3, clock);
        await new PersistedMaterializer(inner, state, "other", keep: 1, clock).MaterializeAsync(Snapshot(N1));
        var snapshots = Enumerable.Range(1, 6).Select(i => Snapshot(Node("node-1", $"10.0.0.{i}"))).ToList();
        var keyOf = new Dictionary<int, string>();

        for (var i = 0; i < snapshots.Count; i++)
        {
            clock.Now = T0.AddMinutes(i + 1);
            var before = await state.ListAsync("node-artifacts/prod");
            await persisted.MaterializeAsync(snapshots[i]);
            var after = await state.ListAsync("node-artifacts/prod");
            keyOf[i] = Assert.Single(after.Except(before));
            Assert.Equal(Math.Min(i + 1, 3), after.Count);
        }
        Assert.Equal(new[] { keyOf[3], keyOf[4], keyOf[5] }.Order(StringComparer.Ordinal), await state.ListAsync("node-artifacts/prod"));
        Assert.Single(await state.ListAsync("node-artifacts/other"));

        // Serving a payload that is still kept persists nothing and so deletes nothing; an old snapshot asked again is
        // materialized and persisted again (deterministic: the same files), and the oldest kept one goes.
        clock.Now = T0.AddHours(1);
        await persisted.MaterializeAsync(snapshots[3]);
        Assert.Equal(7, inner.Runs);
        await persisted.MaterializeAsync(snapshots[0]);
        Assert.Equal(8, inner.Runs);
        Assert.Equal(new[] { keyOf[0], keyOf[4], keyOf[5] }.Order(StringComparer.Ordinal), await state.ListAsync("node-artifacts/prod"));
    }

    [Fact]
    public async Task The_payload_just_persisted_is_kept_even_with_a_clock_behind_and_documents_without_a_time_go_first()
    {
        var state = new InMemoryStateStore();
        var clock = new Releases.ManualClock(T0.AddHours(1));
        var persisted = new PersistedMaterializer(new CountingMaterializer(snapshot => Ready(snapshot)), state, "prod", keep: 2, clock);
        await persisted.MaterializeAsync(Snapshot(N1));
        var first = Assert.Single(await state.ListAsync("node-artifacts/prod"));
        clock.Now = T0.AddHours(2);
        await persisted.MaterializeAsync(Snapshot(N1, N2));
        var second = Assert.Single((await state.ListAsync("node-artifacts/prod")).Except([first]));
        // As written before creation times were recorded.
        var document = System.Text.Json.Nodes.JsonNode.Parse((await state.ReadAsync(second))!)!.AsObject();
        Assert.True(document.Remove("created_at"));
        await state.WriteAsync(second, Encoding.UTF8.GetBytes(document.ToJsonString()));

        clock.Now = T0.AddDays(-1);
        var third = Assert.IsType<MaterializationReady>(await persisted.MaterializeAsync(Snapshot(N1, N2, N3)));

        Assert.Equal(3, third.NodeFiles.Count);
        var kept = await state.ListAsync("node-artifacts/prod");
        Assert.Equal(2, kept.Count);
        Assert.Contains(first, kept);
        Assert.DoesNotContain(second, kept);
    }

    [Fact]
    public async Task A_clean_up_that_fails_is_logged_and_the_new_payload_is_still_served()
    {
        var state = new FailingListStore();
        var log = new WarningLog();
        var persisted = new PersistedMaterializer(new CountingMaterializer(snapshot => Ready(snapshot)), state, "prod", keep: 1, logger: log);
        await persisted.MaterializeAsync(Snapshot(N1));
        state.FailLists = true;

        var ready = Assert.IsType<MaterializationReady>(await persisted.MaterializeAsync(Snapshot(N1, N2)));

        Assert.Equal(2, ready.NodeFiles.Count);
        Assert.Equal(["Could not clean up the persisted node payloads of deployment prod; the next new payload tries again: listing is down"], log.Warnings);
        state.FailLists = false;
        Assert.Equal(2, (await state.ListAsync("node-artifacts/prod")).Count);
    }

    private sealed class FailingListStore : IStateStore
    {
        private readonly InMemoryStateStore _inner = new();

        public bool FailLists { get; set; }

        public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => _inner.ReadAsync(key, cancellationToken);

        public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => _inner.WriteAsync(key, data, cancellationToken);

        public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => _inner.TryCreateAsync(key, data, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
            FailLists ? throw new IOException("listing is down") : _inner.ListAsync(prefix, cancellationToken);
    }

    private sealed class WarningLog : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning) Warnings.Add($"{formatter(state, exception)}: {exception?.Message}");
        }
    }

    [Fact]
    public void Snapshot_hash_ignores_times_order_and_whitespace_but_not_metadata()
    {
        var a = Snapshot(N1, N2);
        var b = Snapshot(N2 with { UpdatedAt = T0.AddHours(1) }, Node("node-1", "10.0.0.1", """{ "zone" :  "a" }"""));
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, Snapshot(N1, Node("node-2", "10.0.0.2", """{"zone":"x"}""")).Hash);
    }

    private static MaterializationReady Ready(NodeSnapshot snapshot, string shared = "all") => new(
        snapshot.Nodes.ToDictionary(n => n.Identifier, n => (IReadOnlyList<NodeArtifact>)[new NodeArtifact("secret.key", Encoding.UTF8.GetBytes("key of " + n.Identifier)) { Mode = "0600" }]),
        [new NodeArtifact("shared/all.txt", Encoding.UTF8.GetBytes(shared))]);

    private sealed class CountingMaterializer(Func<NodeSnapshot, Materialization> make) : IMaterializer
    {
        private int _runs;

        public int Runs => _runs;

        public TimeSpan Delay { get; set; }

        public string Version { get; set; } = "v1";

        public Task<string> VersionAsync(CancellationToken cancellationToken = default) => Task.FromResult(Version);

        public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            await Task.Delay(Delay, cancellationToken);
            return make(snapshot);
        }
    }

    private sealed class RecordingGit(Dictionary<string, string> files) : IGitSource
    {
        public List<string> Calls { get; } = [];

        public Task<GitCommitInfo> FetchAsync(GitRemote remote, string commit, string? reference, CancellationToken cancellationToken = default)
        {
            lock (Calls) Calls.Add($"fetch {commit} {reference}");
            return Task.FromResult(new GitCommitInfo(commit, T0));
        }

        public Task<byte[]?> ReadFileAsync(GitRemote remote, string commit, string path, CancellationToken cancellationToken = default)
        {
            lock (Calls) Calls.Add($"read {commit} {path}");
            return Task.FromResult(files.TryGetValue(path, out var text) ? Encoding.UTF8.GetBytes(text) : null);
        }

        public Task<IReadOnlyList<GitFileChange>> DiffAsync(GitRemote remote, string? fromCommit, string toCommit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<GitFileChange>>(files.Keys.Select(k => new GitFileChange(k, GitChangeKind.Added)).ToList());

        public Task<bool?> IsAncestorAsync(GitRemote remote, string ancestor, string descendant, CancellationToken cancellationToken = default) => Task.FromResult<bool?>(true);
    }
}

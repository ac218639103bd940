using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Config;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;
using static VarTrack.Core.Tests.NodeConfig.Nodes;

namespace VarTrack.Core.Tests.NodeConfig;

/// <summary>The node routes as every host runs them: register, config (200/425/404/500), list, tokens and identities.</summary>
public sealed class NodeConfigServiceTests : IDisposable
{
    private const string Bootstrap = "bootstrap-7f3a-DO-NOT-LEAK";
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-nodes-svc-").FullName;
    private readonly InMemoryStateStore _state = new();
    private readonly RecordingLogger _log = new();

    public NodeConfigServiceTests()
    {
        File.WriteAllText(Path.Combine(_folder, "node.tmpl"), "id: {{ self.identifier }}\npassword: s3cr3t-{{ self.identifier }}\n");
        File.WriteAllText(Path.Combine(_folder, "peers.tmpl"), "{{#each nodes}}\n{{ identifier }}\n{{/each}}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private NodeConfigService Service(NodeTokenSettings? tokens = null, IMaterializer? materializer = null, int minNodes = 2)
    {
        var settings = new NodeSettings(tokens ?? new NodeTokenSettings { Bootstrap = new SettingValue(Bootstrap, default) },
            new NodeMaterializerSettings(NodeMaterializerType.Template, new NodeSourceSettings { Folder = _folder })
            {
                MinNodes = minNodes,
                NodeFiles = new Dictionary<string, string> { ["config.yaml"] = "node.tmpl" },
                SharedFiles = new Dictionary<string, string> { ["shared/peers.txt"] = "peers.tmpl" },
                SecretFiles = new HashSet<string> { "config.yaml" },
            }) { Deployment = "test", RetryAfter = TimeSpan.FromMilliseconds(2500) };
        return new NodeConfigService(settings, new StateNodeRegistry(_state, "test"), materializer ?? NodeMaterializers.Create(settings, null, _state),
            new NodeAccess(settings.Tokens, new SettingResolver(name => name == "TOKEN_B" ? "token-b" : null)), TimeProvider.System, _log);
    }

    private static byte[] Json(object value) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value));

    private static JsonElement Body(NodeAnswer answer) => JsonDocument.Parse(answer.ToJson()).RootElement;

    private static Task<NodeAnswer> Register(NodeConfigService service, string id, string address = "10.0.0.1", string token = Bootstrap, object? metadata = null) =>
        service.RegisterAsync($"Bearer {token}", Json(new { identifier = id, address, metadata = metadata ?? new { zone = "a" } }), default);

    private static Task<NodeAnswer> Config(NodeConfigService service, string id, string token = Bootstrap) =>
        service.ConfigAsync($"Bearer {token}", Json(new { identifier = id }), default);

    [Fact]
    public async Task A_node_registers_waits_for_its_peer_then_gets_its_files_then_the_shared_ones()
    {
        var service = Service();

        var registered = await Register(service, "node-1");
        Assert.Equal(202, registered.StatusCode);
        Assert.Equal("node-1", Body(registered).GetProperty("identifier").GetString());
        Assert.Equal(1, Body(registered).GetProperty("schema_version").GetInt32());

        var early = await Config(service, "node-1");
        Assert.Equal(425, early.StatusCode);
        Assert.Equal(3, early.RetryAfterSeconds);
        Assert.Equal("not_ready", Body(early).GetProperty("error").GetString());
        Assert.Equal("1 of at least 2 nodes registered; waiting for 1 more", Body(early).GetProperty("message").GetString());

        await Register(service, "node-2", "node-2.internal");
        var answer = await Config(service, "node-1");
        Assert.Equal(200, answer.StatusCode);
        var payload = JsonSerializer.Deserialize<NodeConfigPayload>(answer.ToJson(), StateJson.Options)!;
        Assert.Equal((1, "node-1"), (payload.SchemaVersion, payload.Identifier));
        Assert.Equal(["config.yaml", "shared/peers.txt"], payload.Files.Select(f => f.Path));
        var config = payload.Files[0];
        Assert.Equal(("utf8", "0600", "id: node-1\npassword: s3cr3t-node-1\n"), (config.Encoding, config.Mode, config.Content));
        Assert.Equal(NodeFile.HashOf(Encoding.UTF8.GetBytes(config.Content)), config.Sha256);
        Assert.Equal("node-1\nnode-2\n", payload.Files[1].Content);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("s3cr3t", StringComparison.Ordinal) || l.Contains(Bootstrap, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Under_min_nodes_the_membership_is_fixed_when_first_ready_so_every_node_and_instance_sees_one_peer_list()
    {
        var service = Service();
        await Register(service, "node-1");
        await Register(service, "node-2");
        var first = JsonSerializer.Deserialize<NodeConfigPayload>((await Config(service, "node-1")).ToJson(), StateJson.Options)!;
        Assert.Equal("node-1\nnode-2\n", first.Files[1].Content);

        await Register(service, "node-3");
        var late = await Config(service, "node-3");
        Assert.Equal((404, "missing"), (late.StatusCode, Body(late).GetProperty("error").GetString()));
        Assert.Matches(@"^node 'node-3' will never get config: node 'node-3' is not a member: the membership of this deployment was fixed at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 with 2 nodes \(start a new membership with a new 'deployment' name\)$",
            Body(late).GetProperty("message").GetString());

        // node-2 asks after node-3 registered, on this instance and on a fresh one (own cache) over the same state.
        foreach (var instance in new[] { service, Service() })
        {
            var second = JsonSerializer.Deserialize<NodeConfigPayload>((await Config(instance, "node-2")).ToJson(), StateJson.Options)!;
            Assert.Equal((first.Snapshot, first.Files[1].Content, first.Files[1].Sha256), (second.Snapshot, second.Files[1].Content, second.Files[1].Sha256));
            Assert.Equal(404, (await Config(instance, "node-3")).StatusCode);
        }
        var list = Body(await service.ListAsync($"Bearer {Bootstrap}", null, default));
        Assert.Equal(["node-1:ready", "node-2:ready", "node-3:missing"], list.GetProperty("nodes").EnumerateArray().Select(n => $"{n.GetProperty("identifier").GetString()}:{n.GetProperty("state").GetString()}"));
        // One persisted payload for the fixed list, however many snapshots were asked for.
        Assert.Single(await _state.ListAsync("node-artifacts"));
    }

    [Fact]
    public async Task An_unregistered_node_is_told_to_wait_and_re_registering_updates_but_keeps_the_first_time()
    {
        var service = Service();
        var unknown = await Config(service, "node-9");
        Assert.Equal(425, unknown.StatusCode);
        Assert.Equal(("not_registered", "node 'node-9' is not registered; register it first"), (Body(unknown).GetProperty("error").GetString(), Body(unknown).GetProperty("message").GetString()));
        Assert.Equal(3, unknown.RetryAfterSeconds);

        await Register(service, "node-1", "10.0.0.1");
        var first = await new StateNodeRegistry(_state, "test").GetAsync("node-1");
        await Register(service, "node-1", "2001:db8::1", metadata: new { zone = "b" });
        var second = (await new StateNodeRegistry(_state, "test").GetAsync("node-1"))!;
        Assert.Equal(("2001:db8::1", "b", first!.RegisteredAt), (second.Address, second.Metadata.GetProperty("zone").GetString(), second.RegisteredAt));
        Assert.Single(await new StateNodeRegistry(_state, "test").ListAsync());
    }

    [Fact]
    public async Task An_identifier_outside_the_expected_list_gets_404_at_once_even_before_it_registers()
    {
        var settings = new NodeSettings(new NodeTokenSettings { Bootstrap = new SettingValue(Bootstrap, default) },
            new NodeMaterializerSettings(NodeMaterializerType.Precomputed, new NodeSourceSettings { Folder = _folder }) { Identifiers = ["node-1", "node-2"] });
        var service = new NodeConfigService(settings, new StateNodeRegistry(_state, "test"), NodeMaterializers.Create(settings, null, _state),
            new NodeAccess(settings.Tokens, new SettingResolver()), TimeProvider.System);

        var stranger = await Config(service, "node-9");
        Assert.Equal((404, "missing", "node 'node-9' will never get config: node 'node-9' is not one of the expected identifiers"),
            (stranger.StatusCode, Body(stranger).GetProperty("error").GetString(), Body(stranger).GetProperty("message").GetString()));
        Assert.Equal((425, "not_registered"), ((await Config(service, "node-1")).StatusCode, Body(await Config(service, "node-1")).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Tokens_are_checked_on_every_route_and_never_echoed()
    {
        var service = Service();
        foreach (var answer in new[]
        {
            await Register(service, "node-1", token: "wrong"),
            await service.RegisterAsync(null, Json(new { identifier = "node-1", address = "a" }), default),
            await Config(service, "node-1", token: "Bootstrap-7f3a-DO-NOT-LEAK"),
            await service.ListAsync("Bearer nope", "api-token", default),
        })
        {
            Assert.Equal(401, answer.StatusCode);
            Assert.Equal("unauthorized", Body(answer).GetProperty("error").GetString());
            Assert.DoesNotContain(Bootstrap, answer.ToJson(), StringComparison.Ordinal);
        }
        Assert.Empty(await _state.ListAsync("nodes"));
    }

    [Fact]
    public async Task A_per_node_token_acts_only_as_its_own_node()
    {
        var tokens = new NodeTokenSettings
        {
            PerNode = new Dictionary<string, SettingValue> { ["node-a"] = new("token-a", default), ["node-b"] = new("${TOKEN_B}", default) { EnvironmentVariables = ["TOKEN_B"] } },
        };
        var service = Service(tokens, minNodes: 1);

        Assert.Equal(202, (await Register(service, "node-a", token: "token-a")).StatusCode);
        var impostor = await Register(service, "node-b", token: "token-a");
        Assert.Equal((403, "identity_mismatch"), (impostor.StatusCode, Body(impostor).GetProperty("error").GetString()));
        Assert.Equal(403, (await Config(service, "node-a", token: "token-b")).StatusCode);
        Assert.Equal(200, (await Config(service, "node-a", token: "token-a")).StatusCode);
        Assert.Equal(202, (await Register(service, "node-b", token: "token-b")).StatusCode);
        // No bootstrap token: listing needs the host's API token.
        Assert.Equal(401, (await service.ListAsync("Bearer token-a", null, default)).StatusCode);
        Assert.Equal(200, (await service.ListAsync("Bearer api-token", "api-token", default)).StatusCode);
    }

    [Fact]
    public async Task A_token_variable_that_is_not_set_is_a_generic_500_for_the_caller_and_named_in_the_log_only()
    {
        var tokens = new NodeTokenSettings { Bootstrap = new SettingValue("${NODE_TOKEN_UNSET}", default), PerNode = new Dictionary<string, SettingValue> { ["n1"] = new("@secret(kv/nodes#n1)", default) } };
        var service = Service(tokens);
        foreach (var answer in new[] { await Register(service, "node-1", token: "anything"), await Config(service, "node-1", token: "anything"), await service.ListAsync("Bearer anything", "api", default) })
        {
            Assert.Equal((500, "internal_error"), (answer.StatusCode, Body(answer).GetProperty("error").GetString()));
            var correlation = Body(answer).GetProperty("correlation_id").GetString()!;
            Assert.Equal($"the server cannot check tokens; the server log has the details under correlation id {correlation}", Body(answer).GetProperty("message").GetString());
            Assert.Contains(_log.Lines, l => l.Contains(correlation, StringComparison.Ordinal) && l.Contains("'bootstrap' of 'tokens' of 'nodes' uses ${NODE_TOKEN_UNSET}, but the environment variable NODE_TOKEN_UNSET is not set", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        var service = Service();
        async Task<(int, string?)> Send(string body)
        {
            var answer = await service.RegisterAsync($"Bearer {Bootstrap}", Encoding.UTF8.GetBytes(body), default);
            return (answer.StatusCode, Body(answer).GetProperty("error").GetString());
        }

        Assert.Equal((400, "malformed_request"), await Send("{not json"));
        Assert.Equal((400, "malformed_request"), await Send("[1]"));
        Assert.Equal((400, "malformed_request"), await Send(""));
        Assert.Equal((400, "bad_identifier"), await Send("""{"identifier": "../etc", "address": "a"}"""));
        Assert.Equal((400, "bad_identifier"), await Send("""{"address": "a"}"""));
        Assert.Equal((400, "bad_address"), await Send("""{"identifier": "n1", "address": "http://x:80/"}"""));
        Assert.Equal((400, "bad_address"), await Send("""{"identifier": "n1", "address": "[::1]"}"""));
        Assert.Equal((400, "unsupported_version"), await Send("""{"schema_version": 2, "identifier": "n1", "address": "a"}"""));
        Assert.Equal(202, (await service.RegisterAsync($"Bearer {Bootstrap}", Encoding.UTF8.GetBytes("""{"identifier": "n1", "address": "::1", "metadata": [1, "two"]}"""), default)).StatusCode);
    }

    [Fact]
    public async Task Metadata_over_the_documented_limit_is_refused_before_it_is_stored()
    {
        var service = Service();
        // The limit is in bytes of the compact JSON as stored ({"x":"..."} is 8 bytes around the text), where a
        // non-ASCII character is escaped as \uXXXX: 6 bytes.
        var atLimit = new { x = new string('é', (NodeContract.MaxMetadataBytes - 8) / 6) };
        Assert.Equal(202, (await Register(service, "node-1", metadata: atLimit)).StatusCode);

        var answer = await Register(service, "node-2", metadata: new { x = new string('a', NodeContract.MaxMetadataBytes) });

        Assert.Equal((400, "metadata_too_large"), (answer.StatusCode, Body(answer).GetProperty("error").GetString()));
        Assert.Equal($"'metadata' is {NodeContract.MaxMetadataBytes + 8} bytes as compact JSON; at most 16384 are kept", Body(answer).GetProperty("message").GetString());
        Assert.Null(await new StateNodeRegistry(_state, "test").GetAsync("node-2"));
    }

    [Fact]
    public async Task A_registry_failure_has_its_own_error_code()
    {
        var settings = new NodeSettings(new NodeTokenSettings { Bootstrap = new SettingValue(Bootstrap, default) },
            new NodeMaterializerSettings(NodeMaterializerType.Precomputed, new NodeSourceSettings { Folder = _folder }) { MinNodes = 1 });
        var service = new NodeConfigService(settings, new BrokenRegistry(), NodeMaterializers.Create(settings, null, _state),
            new NodeAccess(settings.Tokens, new SettingResolver()), TimeProvider.System, _log);

        foreach (var answer in new[] { await Register(service, "node-1"), await Config(service, "node-1") })
        {
            Assert.Equal((500, "registry_failed"), (answer.StatusCode, Body(answer).GetProperty("error").GetString()));
            Assert.StartsWith("Azure Table 't' (partition 'test'): cannot list nodes: cannot reach http://127.0.0.1:1 (correlation id ", Body(answer).GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    private sealed class BrokenRegistry : INodeRegistry
    {
        public string Description => "Azure Table 't' (partition 'test')";

        private static Exception Down() => new Errors.VarTrackException(new Errors.Problem("Azure Table 't' (partition 'test'): cannot list nodes: cannot reach http://127.0.0.1:1"));

        public Task<NodeRegistration> RegisterAsync(string identifier, string address, JsonElement metadata, DateTimeOffset now, CancellationToken cancellationToken = default) => throw Down();

        public Task<NodeRegistration?> GetAsync(string identifier, CancellationToken cancellationToken = default) => throw Down();

        public Task<IReadOnlyList<NodeRegistration>> ListAsync(CancellationToken cancellationToken = default) => throw Down();
    }

    [Fact]
    public async Task A_materializer_producing_a_path_that_escapes_is_refused_with_a_correlation_id()
    {
        var evil = new FixedMaterializer(new MaterializationReady(
            new Dictionary<string, IReadOnlyList<NodeArtifact>> { ["node-1"] = [new NodeArtifact("../x", [1])] }, []));
        var service = Service(materializer: evil);
        await Register(service, "node-1");

        var answer = await Config(service, "node-1");

        Assert.Equal(500, answer.StatusCode);
        var body = Body(answer);
        var correlation = body.GetProperty("correlation_id").GetString()!;
        Assert.Equal("materialization_failed", body.GetProperty("error").GetString());
        Assert.Equal($"materialized path '../x' in the files of node 'node-1' must not contain '..'; refused (correlation id {correlation})", body.GetProperty("message").GetString());
        Assert.Contains(_log.Lines, l => l.Contains(correlation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_with_a_correlation_id_and_no_internals()
    {
        var service = Service(materializer: new FixedMaterializer(null));
        await Register(service, "node-1");

        var answer = await Config(service, "node-1");

        Assert.Equal(500, answer.StatusCode);
        var body = Body(answer);
        Assert.Equal("internal_error", body.GetProperty("error").GetString());
        Assert.DoesNotContain("at VarTrack", answer.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("disk on fire", answer.ToJson(), StringComparison.Ordinal);
        Assert.Contains(_log.Lines, l => l.Contains(body.GetProperty("correlation_id").GetString()!, StringComparison.Ordinal) && l.Contains("disk on fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_is_404_and_the_list_shows_readiness_per_node()
    {
        var service = Service(materializer: new FixedMaterializer(new MaterializationReady(
            new Dictionary<string, IReadOnlyList<NodeArtifact>> { ["node-1"] = [new NodeArtifact("a", [1])] }, [])
        {
            MissingReasons = new Dictionary<string, string> { ["node-2"] = "node 'node-2' is not one of the expected identifiers" },
        }));
        await Register(service, "node-1");
        await Register(service, "node-2", metadata: new { rack = 7 });

        var missing = await Config(service, "node-2");
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(("missing", "node 'node-2' will never get config: node 'node-2' is not one of the expected identifiers"),
            (Body(missing).GetProperty("error").GetString(), Body(missing).GetProperty("message").GetString()));

        var list = Body(await service.ListAsync($"Bearer {Bootstrap}", null, default));
        Assert.Equal(("test", "ready"), (list.GetProperty("deployment").GetString(), list.GetProperty("state").GetString()));
        var nodes = list.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["node-1:ready", "node-2:missing"], nodes.Select(n => $"{n.GetProperty("identifier").GetString()}:{n.GetProperty("state").GetString()}"));
        Assert.Equal(7, nodes[1].GetProperty("metadata").GetProperty("rack").GetInt32());
        Assert.False(nodes[0].TryGetProperty("files", out _));
    }

    [Fact]
    public async Task The_artifact_check_runs_once_per_cached_snapshot_not_on_every_request()
    {
        var inner = new CountingMaterializer();
        var service = Service(materializer: new CachedMaterializer(inner), minNodes: 1);
        await Register(service, "node-1");

        for (var i = 0; i < 5; i++) Assert.Equal(200, (await Config(service, "node-1")).StatusCode);
        Assert.Equal(200, (await service.ListAsync($"Bearer {Bootstrap}", null, default)).StatusCode);
        Assert.Equal((1, 1), (inner.Materialized, inner.FileListsRead));

        await Register(service, "node-2"); // a new snapshot: materialized and checked once more
        for (var i = 0; i < 3; i++) Assert.Equal(200, (await Config(service, "node-2")).StatusCode);
        Assert.Equal(200, (await Config(service, "node-1")).StatusCode);
        Assert.Equal((2, 2), (inner.Materialized, inner.FileListsRead));
    }

    [Fact]
    public async Task A_result_marked_checked_is_served_without_a_second_check_which_is_what_the_cache_relies_on()
    {
        // White box: only NodeArtifactCheck marks a result, after checking it; a forged mark shows the service skips the check.
        var forged = new MaterializationReady(new Dictionary<string, IReadOnlyList<NodeArtifact>> { ["node-1"] = [new NodeArtifact("../x", [1])] }, []).MarkChecked();
        var service = Service(materializer: new FixedMaterializer(forged));
        await Register(service, "node-1");

        Assert.Equal(200, (await Config(service, "node-1")).StatusCode);
    }

    [Fact]
    public async Task A_result_that_is_not_from_the_cache_is_checked_on_every_request_against_what_it_holds_now()
    {
        var files = new List<NodeArtifact> { new("config.yaml", [1]) };
        var service = Service(materializer: new FixedMaterializer(new MaterializationReady(new Dictionary<string, IReadOnlyList<NodeArtifact>> { ["node-1"] = files }, [])));
        await Register(service, "node-1");
        Assert.Equal(200, (await Config(service, "node-1")).StatusCode);

        // The same result object, changed by its materializer after it was checked and served once.
        files.Add(new NodeArtifact("../x", [2]));
        var answer = await Config(service, "node-1");

        Assert.Equal((500, "materialization_failed"), (answer.StatusCode, Body(answer).GetProperty("error").GetString()));
        Assert.StartsWith("materialized path '../x' in the files of node 'node-1' must not contain '..'", Body(answer).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checked_result_stays_checked_only_while_its_file_lists_are_the_checked_copies()
    {
        var files = new List<NodeArtifact> { new("config.yaml", [1]) };
        var ready = NodeArtifactCheck.Checked(new MaterializationReady(new Dictionary<string, IReadOnlyList<NodeArtifact>> { ["node-1"] = files }, []));

        Assert.True(ready.IsChecked);
        Assert.Same(ready, NodeArtifactCheck.Checked(ready));
        Assert.True((ready with { Snapshot = "fixed", MissingReasons = new Dictionary<string, string> { ["node-2"] = "late" } }).IsChecked);
        files.Add(new NodeArtifact("../x", [2]));
        Assert.Equal(["config.yaml"], ready.NodeFiles["node-1"].Select(f => f.Path)); // a copy: the materializer's list is not served
        var changed = ready with { SharedFiles = [new NodeArtifact("/etc/passwd", [3])] };
        Assert.False(changed.IsChecked);
        Assert.Throws<Errors.VarTrackException>(() => NodeArtifactCheck.Checked(changed));
    }

    /// <summary>Ready for every registered node; counts its runs and how often anything read its node file lists (what the check does).</summary>
    private sealed class CountingMaterializer : IMaterializer
    {
        private int _materialized;
        private int _read;

        public int Materialized => _materialized;

        public int FileListsRead => _read;

        public Task<string> VersionAsync(CancellationToken cancellationToken = default) => Task.FromResult("counting");

        public Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _materialized);
            var files = snapshot.Nodes.ToDictionary(n => n.Identifier, n => (IReadOnlyList<NodeArtifact>)[new NodeArtifact("config.yaml", Encoding.UTF8.GetBytes(n.Identifier))], StringComparer.Ordinal);
            return Task.FromResult<Materialization>(new MaterializationReady(new ReadCounting(files, () => Interlocked.Increment(ref _read)), [new NodeArtifact("shared/a", [1])]));
        }
    }

    /// <summary>A dictionary that reports every enumeration of its entries.</summary>
    private sealed class ReadCounting(IReadOnlyDictionary<string, IReadOnlyList<NodeArtifact>> inner, Action read) : IReadOnlyDictionary<string, IReadOnlyList<NodeArtifact>>
    {
        public IReadOnlyList<NodeArtifact> this[string key] => inner[key];

        public IEnumerable<string> Keys => inner.Keys;

        public IEnumerable<IReadOnlyList<NodeArtifact>> Values => inner.Values;

        public int Count => inner.Count;

        public bool ContainsKey(string key) => inner.ContainsKey(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IReadOnlyList<NodeArtifact> value) => inner.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, IReadOnlyList<NodeArtifact>>> GetEnumerator()
        {
            read();
            return inner.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class FixedMaterializer(Materialization? result) : IMaterializer
    {
        public Task<string> VersionAsync(CancellationToken cancellationToken = default) => Task.FromResult("fixed");

        public Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default) =>
            result is null ? throw new IOException("disk on fire") : Task.FromResult(result);
    }

    private sealed class RecordingLogger : ILogger<NodeConfigService>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
        }
    }
}

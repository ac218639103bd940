using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using VarTrack.Cli;
using VarTrack.Core.Errors;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Node bootstrap end to end: the real self-hosted server on loopback with registrations in real Azurite Table
/// storage, and <c>vt node fetch</c> run in process as nodes would run it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // modes and symbolic links are POSIX
public sealed class NodeBootstrapTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("vt-e2e-node-work-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>Templates in a folder of their own; the materializer YAML (indented for <see cref="NodeServer.StartAsync"/>).</summary>
    private string TemplateMaterializer(string settings)
    {
        var templates = Path.Combine(_work, "templates");
        Directory.CreateDirectory(templates);
        File.WriteAllText(Path.Combine(templates, "node.yaml.tmpl"), "node: {{ self.identifier }}\nlisten: {{ self.address }}:{{ self.metadata.port }}\ntoken: s3cret-{{ self.identifier }}\n");
        File.WriteAllText(Path.Combine(templates, "peers.txt.tmpl"), "{{#each nodes}}\n{{ identifier }}={{ address }}:{{ metadata.port }}\n{{/each}}");
        return $$"""
                type: template
                {{settings}}
                source: { folder: {{templates}} }
                node_files: { "config.yaml": node.yaml.tmpl }
                shared_files: { "shared/peers.txt": peers.txt.tmpl }
                secret_files: [config.yaml]
            """;
    }

    private string Root(string node)
    {
        var root = Path.Combine(_work, "roots", node);
        Directory.CreateDirectory(root);
        return root;
    }

    private static readonly string[] Routes = ["--route", "/config.yaml=/etc/app/config.yaml", "--route", "shared/*=/etc/app/shared/"];

    private static async Task<(int Code, string Out, string Err)> FetchAsync(NodeServer server, string node, string root, string token = NodeServer.BootstrapToken, string port = "2380", string? address = null, StringWriter? watched = null)
    {
        var output = watched ?? new StringWriter();
        var error = new StringWriter();
        string[] args = ["node", "fetch", "--server", server.Url, "--id", node, "--token", token, "--root", root, "--address", address ?? $"{node}.cluster.local",
            "--metadata", $$"""{"port": {{port}}}""", "--timeout", "60s", .. Routes];
        // A watched output is read by the test while the fetch runs: writes go through a lock on it.
        var code = await VtApp.RunAsync(args, watched is null ? output : new LockedWriter(watched), error, root);
        Assert.DoesNotContain(token, output.ToString() + error, StringComparison.Ordinal);
        return (code, output.ToString(), error.ToString());
    }

    private static HttpRequestMessage Post(string path, object body, string token = NodeServer.BootstrapToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(NodeServer server, HttpRequestMessage request) => SendAsync(server.Http, request);

    private static async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static async Task<JsonElement> ListAsync(NodeServer server, string token = NodeServer.ApiToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (status, body, _) = await SendAsync(server, request);
        Assert.Equal(200, status);
        return body;
    }

    private static async Task<List<TableEntity>> EntitiesAsync(NodeServer server)
    {
        try
        {
            return await server.TableClient.QueryAsync<TableEntity>(e => e.PartitionKey == server.Deployment).ToListAsync();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // the registry creates its table on first use
        }
    }

    [Fact]
    public async Task Two_nodes_the_first_polls_until_the_second_arrives_and_both_get_their_own_and_the_shared_files()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 2"));
        var rootA = Root("node-a");
        var rootB = Root("node-b");

        var watched = new StringWriter();
        var first = FetchAsync(server, "node-a", rootA, port: "2380", watched: watched);
        // Until node-a has had its first 425 (a fixed delay is not enough on a loaded machine: node-b could register
        // before node-a's first poll, and node-a would never wait).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!LockedWriter.Read(watched).Contains("waiting: not ready", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "node-a was never told to wait: " + LockedWriter.Read(watched));
            Assert.False(first.IsCompleted, "node-a must wait for node-b");
            await Task.Delay(100);
        }
        Assert.Equal(1, (await ListAsync(server)).GetProperty("nodes").GetArrayLength());
        var second = await FetchAsync(server, "node-b", rootB, port: "2381");
        var (code, output, error) = await first;

        Assert.True(code == ExitCodes.Ok, error);
        Assert.True(second.Code == ExitCodes.Ok, second.Err);
        Assert.Contains("waiting: not ready: 1 of at least 2 nodes registered; waiting for 1 more", output, StringComparison.Ordinal);
        Assert.Equal("node: node-a\nlisten: node-a.cluster.local:2380\ntoken: s3cret-node-a\n", File.ReadAllText(Path.Combine(rootA, "etc/app/config.yaml")));
        Assert.Equal("node: node-b\nlisten: node-b.cluster.local:2381\ntoken: s3cret-node-b\n", File.ReadAllText(Path.Combine(rootB, "etc/app/config.yaml")));
        const string peers = "node-a=node-a.cluster.local:2380\nnode-b=node-b.cluster.local:2381\n";
        Assert.Equal(peers, File.ReadAllText(Path.Combine(rootA, "etc/app/shared/peers.txt")));
        Assert.Equal(peers, File.ReadAllText(Path.Combine(rootB, "etc/app/shared/peers.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(rootA, "etc/app/config.yaml")));

        var entities = await EntitiesAsync(server);
        Assert.Equal(["node-a", "node-b"], entities.Select(e => e.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal("""{"port":2381}""", entities.Single(e => e.RowKey == "node-b").GetString("Metadata"));
        var list = await ListAsync(server);
        Assert.Equal("ready", list.GetProperty("state").GetString());
        Assert.All(list.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("ready", n.GetProperty("state").GetString()));
        Assert.DoesNotContain("s3cret", list.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registrations_survive_a_restart_between_register_and_fetch()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 2"));
        foreach (var (node, port) in new[] { ("node-a", 1), ("node-b", 2) })
            Assert.Equal(202, (await SendAsync(server, Post("/api/nodes/register", new { identifier = node, address = $"10.0.0.{port}", metadata = new { port = 7000 + port } }))).Status);

        await server.StopAsync();
        await server.StartAsync();

        var root = Root("node-a");
        var fetched = await FetchAsync(server, "node-a", root, port: "7001", address: "10.0.0.1");
        Assert.True(fetched.Code == ExitCodes.Ok, fetched.Err);
        Assert.DoesNotContain("waiting", fetched.Out, StringComparison.Ordinal);
        Assert.Equal("node-a=10.0.0.1:7001\nnode-b=10.0.0.2:7002\n", File.ReadAllText(Path.Combine(root, "etc/app/shared/peers.txt")));
        Assert.Equal(2, (await ListAsync(server)).GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task A_bad_token_is_refused_on_every_route_and_registers_nothing()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 1"));

        var (status, body, _) = await SendAsync(server, Post("/api/nodes/register", new { identifier = "node-x", address = "10.0.0.1" }, token: "not-the-token"));
        Assert.Equal((401, "unauthorized"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(401, (await SendAsync(server, Post("/api/nodes/config", new { identifier = "node-x" }, token: "not-the-token"))).Status);
        using (var anonymous = new HttpRequestMessage(HttpMethod.Get, "/api/nodes"))
            Assert.Equal(401, (await SendAsync(server, anonymous)).Status);

        var root = Root("node-x");
        var fetched = await FetchAsync(server, "node-x", root, token: "not-the-token");
        Assert.Equal(ExitCodes.NodeUnauthorized, fetched.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        Assert.Empty(await EntitiesAsync(server));
        Assert.Equal(0, (await ListAsync(server, NodeServer.BootstrapToken)).GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task A_per_node_token_gets_its_own_config_and_is_refused_for_another_identifier_which_stays_unregistered()
    {
        const string token1 = "e2e-node-1-token-7f3a";
        const string token2 = "e2e-node-2-token-c91d";
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 1"), tokens: $$"""{ per_node: { node-1: "{{token1}}", node-2: "{{token2}}" } }""");

        var root1 = Root("node-1");
        var own = await FetchAsync(server, "node-1", root1, token: token1);
        Assert.True(own.Code == ExitCodes.Ok, own.Err);
        Assert.Equal("node: node-1\nlisten: node-1.cluster.local:2380\ntoken: s3cret-node-1\n", File.ReadAllText(Path.Combine(root1, "etc/app/config.yaml")));

        foreach (var (route, body) in new (string, object)[] { ("/api/nodes/register", new { identifier = "node-2", address = "10.0.0.2" }), ("/api/nodes/config", new { identifier = "node-2" }) })
        {
            var (status, answer, _) = await SendAsync(server, Post(route, body, token: token1));
            Assert.Equal(403, status);
            Assert.Equal(["error", "message"], answer.EnumerateObject().Select(p => p.Name));
            Assert.Equal("identity_mismatch", answer.GetProperty("error").GetString());
            Assert.Equal("the token is not the token of node 'node-2': a per-node token can only register and fetch as its own identifier", answer.GetProperty("message").GetString());
            Assert.DoesNotContain(token1, answer.GetRawText(), StringComparison.Ordinal);
        }

        var root2 = Root("node-2");
        var impostor = await FetchAsync(server, "node-2", root2, token: token1);
        Assert.Equal(ExitCodes.NodeUnauthorized, impostor.Code);
        Assert.Contains("403", impostor.Err, StringComparison.Ordinal);
        Assert.Contains("the token is not the token of node 'node-2'", impostor.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root2));

        Assert.Equal(["node-1"], (await EntitiesAsync(server)).Select(e => e.RowKey));
        Assert.Equal(["node-1"], (await ListAsync(server)).GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("identifier").GetString()));
        // Without a bootstrap token a node's token is not an admin token.
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/nodes");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token1);
        Assert.Equal(401, (await SendAsync(server, list)).Status);
    }

    [Fact]
    public async Task With_blob_state_a_restarted_server_and_a_second_instance_serve_the_persisted_payload_byte_for_byte()
    {
        var materializer = TemplateMaterializer("min_nodes: 2");
        await using var server = await NodeServer.StartAsync(materializer, blobState: true);
        foreach (var (node, port) in new[] { ("node-a", 1), ("node-b", 2) })
            Assert.Equal(202, (await SendAsync(server, Post("/api/nodes/register", new { identifier = node, address = $"10.0.0.{port}", metadata = new { port = 7000 + port } }))).Status);
        var firstA = await ConfigTextAsync(server, "node-a");
        var firstB = await ConfigTextAsync(server, "node-b");
        var artifacts = await NodeServer.BlobStore.ListAsync($"node-artifacts/{server.Deployment}");
        Assert.Single(artifacts);

        // Change what a render would give without changing the materializer's version (same size, same time): from
        // here on only the persisted document can give the first bytes.
        var template = Path.Combine(_work, "templates", "node.yaml.tmpl");
        var written = File.GetLastWriteTimeUtc(template);
        File.WriteAllText(template, File.ReadAllText(template).Replace("s3cret-", "S3CRET-", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(template, written);

        await server.StopAsync();
        await server.StartAsync();
        Assert.Equal(firstA, await ConfigTextAsync(server, "node-a"));
        await using (var other = await server.AlongsideAsync())
        {
            Assert.Equal(firstB, await ConfigTextAsync(other, "node-b"));
            Assert.Equal(firstA, await ConfigTextAsync(other, "node-a"));
        }
        Assert.Equal(artifacts, await NodeServer.BlobStore.ListAsync($"node-artifacts/{server.Deployment}"));
        var payload = JsonDocument.Parse(firstA).RootElement;
        Assert.Contains("token: s3cret-node-a", payload.GetProperty("files")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(payload.GetProperty("snapshot").GetString(), (await ListAsync(server)).GetProperty("snapshot").GetString());

        // The change is real: a server without those persisted payloads renders the new text.
        await using var fresh = await NodeServer.StartAsync(materializer);
        foreach (var (node, port) in new[] { ("node-a", 1), ("node-b", 2) })
            Assert.Equal(202, (await SendAsync(fresh, Post("/api/nodes/register", new { identifier = node, address = $"10.0.0.{port}", metadata = new { port = 7000 + port } }))).Status);
        var rendered = JsonDocument.Parse(await ConfigTextAsync(fresh, "node-a")).RootElement;
        Assert.Contains("token: S3CRET-node-a", rendered.GetProperty("files")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(payload.GetProperty("snapshot").GetString(), rendered.GetProperty("snapshot").GetString());
    }

    [Fact]
    public async Task With_blob_state_only_the_newest_keep_payloads_stay_and_the_one_served_survives_a_restart()
    {
        var source = Path.Combine(_work, "precomputed");
        foreach (var node in new[] { "node-1", "node-2", "node-3" })
        {
            Directory.CreateDirectory(Path.Combine(source, "nodes", node));
            File.WriteAllText(Path.Combine(source, "nodes", node, "config.yaml"), $"for {node}\n");
        }
        // No identifiers: every registration is a new snapshot, ready at once, so every fetch after one persists a payload.
        await using var server = await NodeServer.StartAsync($"""
                type: precomputed
                source: {"{"} folder: {source} {"}"}
            """, blobState: true, settings: "keep_payloads: 2");
        var prefix = $"node-artifacts/{server.Deployment}";
        var keys = new List<string>();
        var bodies = new List<string>();
        foreach (var (node, i) in new[] { "node-1", "node-2", "node-3" }.Select((n, i) => (n, i)))
        {
            Assert.Equal(202, (await SendAsync(server, Post("/api/nodes/register", new { identifier = node, address = $"10.0.0.{i + 1}" }))).Status);
            var before = await NodeServer.BlobStore.ListAsync(prefix);
            bodies.Add(await ConfigTextAsync(server, "node-1"));
            keys.Add(Assert.Single((await NodeServer.BlobStore.ListAsync(prefix)).Except(before)));
            Assert.Equal(Math.Min(i + 1, 2), (await NodeServer.BlobStore.ListAsync(prefix)).Count);
        }
        Assert.Equal(new[] { keys[1], keys[2] }.Order(StringComparer.Ordinal), await NodeServer.BlobStore.ListAsync(prefix));

        // The payload being served survives a restart and is served byte for byte from Blob storage.
        await server.StopAsync();
        await server.StartAsync();
        Assert.Equal(bodies[2], await ConfigTextAsync(server, "node-1"));
        Assert.Equal(new[] { keys[1], keys[2] }.Order(StringComparer.Ordinal), await NodeServer.BlobStore.ListAsync(prefix));
        Assert.Contains("for node-1", bodies[2], StringComparison.Ordinal);
    }

    /// <summary>The exact body of a 200 config answer.</summary>
    private static async Task<string> ConfigTextAsync(NodeServer server, string node)
    {
        using var response = await server.Http.SendAsync(Post("/api/nodes/config", new { identifier = node }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    [Fact]
    public async Task The_server_refuses_to_materialize_a_path_that_escapes_at_startup_and_from_a_linked_folder()
    {
        var folder = Directory.CreateTempSubdirectory("vt-e2e-nodes-bad-").FullName;
        var ex = await Assert.ThrowsAsync<VarTrackException>(() => NodeServer.StartAsync(TemplateMaterializer("min_nodes: 1").Replace("\"config.yaml\"", "\"../x\"", StringComparison.Ordinal).Replace("[config.yaml]", "[]", StringComparison.Ordinal), folder));
        Assert.Equal("vartrack.yaml:11:19: payload path '../x' in 'node_files' of 'materializer' of 'nodes' must not contain '..'", Assert.Single(ex.Problems).ToString());
        Directory.Delete(folder, recursive: true);

        var source = Path.Combine(_work, "precomputed");
        var outside = Path.Combine(_work, "outside");
        Directory.CreateDirectory(Path.Combine(source, "nodes", "node-1"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "host-secret"), "TOP-SECRET-HOST-FILE");
        File.WriteAllText(Path.Combine(source, "nodes", "node-1", "config.yaml"), "ok");
        File.CreateSymbolicLink(Path.Combine(source, "nodes", "node-1", "stolen"), Path.Combine(outside, "host-secret"));
        await using var server = await NodeServer.StartAsync($"""
                type: precomputed
                source: {"{"} folder: {source} {"}"}
            """);
        Assert.Equal(202, (await SendAsync(server, Post("/api/nodes/register", new { identifier = "node-1", address = "10.0.0.1" }))).Status);

        var (status, body, _) = await SendAsync(server, Post("/api/nodes/config", new { identifier = "node-1" }));

        Assert.Equal(500, status);
        Assert.Equal("materialization_failed", body.GetProperty("error").GetString());
        Assert.Matches("^[0-9a-f]{16}$", body.GetProperty("correlation_id").GetString()!);
        Assert.Contains("nodes/node-1/stolen is a symbolic link (or below one) that leads outside the source folder; refused", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_refuses_a_destination_that_a_symbolic_link_takes_outside_its_root()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 1"));
        var root = Root("node-1");
        var outside = Path.Combine(_work, "elsewhere");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateSymbolicLink(Path.Combine(root, "etc", "app"), outside);

        var (code, _, error) = await FetchAsync(server, "node-1", root);

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Contains("leads outside", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task A_hundred_nodes_register_concurrently_and_each_gets_the_same_shared_file()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 100"));
        var nodes = Enumerable.Range(1, 100).Select(i => $"node-{i:000}").ToList();
        // One client per node, each with its connection already open, so the gate releases a hundred requests that are
        // all in flight together (not queued behind a connection pool or a thread pool ramping up).
        var clients = nodes.Select(_ => new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(90) }).ToList();
        try
        {
            await Task.WhenAll(clients.Select(async c => (await c.GetAsync("/health")).Dispose()));

            var registered = await AllAtOnceAsync(nodes, (node, i) => SendAsync(clients[i], Post("/api/nodes/register",
                new { identifier = node, address = $"10.1.{i / 200}.{i % 200 + 1}", metadata = new { port = 9000 + i } })));
            Assert.All(registered, answer => Assert.True(answer.Status == 202, answer.Body.GetRawText()));
            Assert.Equal(nodes, (await EntitiesAsync(server)).Select(e => e.RowKey).Order(StringComparer.Ordinal));
            var list = await ListAsync(server);
            Assert.Equal(("ready", 100), (list.GetProperty("state").GetString(), list.GetProperty("nodes").GetArrayLength()));

            var fetched = await AllAtOnceAsync(nodes, (node, i) => SendAsync(clients[i], Post("/api/nodes/config", new { identifier = node })));
            Assert.All(fetched, answer => Assert.True(answer.Status == 200, answer.Body.GetRawText()));
            var payloads = fetched.Select(f => f.Body).ToList();
            Assert.Single(payloads.Select(p => p.GetProperty("snapshot").GetString()).Distinct());
            var shared = payloads.Select(p => p.GetProperty("files")[1].GetProperty("content").GetString()).Distinct().ToList();
            Assert.Single(shared);
            Assert.Equal(100, shared[0]!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(nodes, payloads.Select(p => p.GetProperty("identifier").GetString()));
            Assert.Equal("node: node-042", payloads[41].GetProperty("files")[0].GetProperty("content").GetString()!.Split('\n')[0]);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the membership and payload created in Azurite Blob storage, as scaled-out instances share them
    public async Task A_hundred_vt_node_fetch_runs_started_together_all_write_the_same_peer_list(bool blobState)
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 100"), blobState: blobState);
        var nodes = Enumerable.Range(1, 100).Select(i => $"node-{i:000}").ToList();

        // Each run registers, polls through 425s until the hundredth node registered (the membership is fixed by one
        // of a crowd of concurrent config requests), then writes its files. Bounded by each run's --timeout.
        var runs = await AllAtOnceAsync(nodes, async (node, i) =>
        {
            var (code, _, error) = await FetchAsync(server, node, Root(node), port: (9000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), address: $"10.2.0.{i + 1}");
            return (Code: code, Error: error);
        });

        Assert.All(runs, run => Assert.True(run.Code == ExitCodes.Ok, run.Error));
        var peers = nodes.Select(node => File.ReadAllText(Path.Combine(_work, "roots", node, "etc/app/shared/peers.txt"))).Distinct().ToList();
        Assert.Equal(string.Concat(nodes.Select((node, i) => $"{node}=10.2.0.{i + 1}:{9000 + i}\n")), Assert.Single(peers));
        Assert.Equal("node: node-077\nlisten: 10.2.0.77:9076\ntoken: s3cret-node-077\n", File.ReadAllText(Path.Combine(_work, "roots", "node-077", "etc/app/config.yaml")));
        Assert.Equal(100, (await EntitiesAsync(server)).Count);
        if (blobState) Assert.Single(await NodeServer.BlobStore.ListAsync($"node-artifacts/{server.Deployment}"));
    }

    /// <summary>
    /// Starts one request per node on its own thread-pool task, waits until every one of them is parked at a gate, then
    /// opens the gate: the requests leave together. Bounded by the clients' timeout.
    /// </summary>
    private static async Task<(int Status, JsonElement Body)[]> AllAtOnceAsync(IReadOnlyList<string> nodes, Func<string, int, Task<(int Status, JsonElement Body, HttpResponseMessage Response)>> send) =>
        await AllAtOnceAsync(nodes, async (node, i) =>
        {
            var (status, body, response) = await send(node, i);
            response.Dispose();
            return (status, body);
        });

    private static async Task<T[]> AllAtOnceAsync<T>(IReadOnlyList<string> nodes, Func<string, int, Task<T>> run)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = 0;
        var requests = nodes.Select((node, i) => Task.Run(async () =>
        {
            if (Interlocked.Increment(ref waiting) == nodes.Count) allWaiting.SetResult();
            await gate.Task;
            return await run(node, i);
        })).ToList();
        await allWaiting.Task.WaitAsync(TimeSpan.FromSeconds(60));
        gate.SetResult();
        return await Task.WhenAll(requests);
    }

    [Fact]
    public async Task Under_a_precomputed_materializer_an_unknown_identifier_gets_404_and_a_known_one_its_files()
    {
        var source = Path.Combine(_work, "precomputed");
        Directory.CreateDirectory(Path.Combine(source, "nodes", "node-1"));
        Directory.CreateDirectory(Path.Combine(source, "shared"));
        File.WriteAllText(Path.Combine(source, "nodes", "node-1", "config.yaml"), "precomputed for node-1\n");
        File.WriteAllBytes(Path.Combine(source, "shared", "blob.bin"), [0, 1, 2, 255]);
        await using var server = await NodeServer.StartAsync($"""
                type: precomputed
                identifiers: [node-1]
                source: {"{"} folder: {source} {"}"}
            """);

        var unknownRoot = Root("node-zz");
        var unknown = await FetchAsync(server, "node-zz", unknownRoot);
        Assert.Equal(ExitCodes.NodeMissing, unknown.Code);
        Assert.Contains("404 missing: node 'node-zz' will never get config", unknown.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(unknownRoot));

        var root = Root("node-1");
        var known = await FetchAsync(server, "node-1", root);
        Assert.True(known.Code == ExitCodes.Ok, known.Err);
        Assert.Equal("precomputed for node-1\n", File.ReadAllText(Path.Combine(root, "etc/app/config.yaml")));
        Assert.Equal([0, 1, 2, 255], File.ReadAllBytes(Path.Combine(root, "etc/app/shared/blob.bin")));
    }

    [Fact]
    public async Task A_file_whose_sha256_does_not_match_makes_the_client_write_nothing()
    {
        await using var server = await NodeServer.StartAsync(TemplateMaterializer("min_nodes: 1"));
        using var proxy = new TamperingProxy(server.Url, json => json.Replace("s3cret-node-1", "s3cret-evil-1", StringComparison.Ordinal));
        var root = Root("node-1");
        Directory.CreateDirectory(Path.Combine(root, "etc/app"));
        File.WriteAllText(Path.Combine(root, "etc/app/config.yaml"), "previous");

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(["node", "fetch", "--server", proxy.Url, "--id", "node-1", "--token", NodeServer.BootstrapToken, "--root", root,
            "--address", "10.0.0.1", "--metadata", """{"port": 1}""", .. Routes], output, error, root);

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Contains("the SHA-256 of 'config.yaml' does not match its content", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(Path.Combine(root, "etc/app/config.yaml")));
        Assert.Equal(["config.yaml"], Directory.EnumerateFileSystemEntries(Path.Combine(root, "etc/app")).Select(Path.GetFileName));
    }

    /// <summary>A loopback proxy to the server that alters the body of 200 config answers, as a damaged link or a meddler would.</summary>
    private sealed class TamperingProxy : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly HttpClient _upstream;
        private readonly Func<string, string> _alter;
        private readonly Task _loop;

        public TamperingProxy(string upstream, Func<string, string> alter)
        {
            _upstream = new HttpClient { BaseAddress = new Uri(upstream) };
            _alter = alter;
            var port = Connectors.Tests.Sinks.TestServices.UnusedPort();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public void Dispose()
        {
            _listener.Close();
            _upstream.Dispose();
            try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery) { Content = new ByteArrayContent(body.ToArray()) };
                forward.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (context.Request.Headers["Authorization"] is { } authorization) forward.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var answer = await _upstream.SendAsync(forward);
                var text = await answer.Content.ReadAsStringAsync();
                if (answer.StatusCode == HttpStatusCode.OK && context.Request.Url.AbsolutePath == "/api/nodes/config") text = _alter(text);
                var bytes = Encoding.UTF8.GetBytes(text);
                context.Response.StatusCode = (int)answer.StatusCode;
                context.Response.ContentType = "application/json";
                if (answer.Headers.RetryAfter?.Delta is { } delay) context.Response.Headers["Retry-After"] = ((int)delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }
    }
}

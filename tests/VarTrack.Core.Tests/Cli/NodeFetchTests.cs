using System.Diagnostics;
using VarTrack.Cli;
using VarTrack.Core.NodeConfig;

namespace VarTrack.Core.Tests.Cli;

/// <summary>
/// <c>vt node fetch</c> in-process against the real node config service over HTTP on loopback
/// (<see cref="NodeTestServer"/>): polling, Retry-After, routes, modes, exit codes, and payloads it must refuse
/// without writing anything.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // modes and symbolic links are POSIX
public sealed class NodeFetchTests : IDisposable
{
    private readonly string _templates = Directory.CreateTempSubdirectory("vt-fetch-tmpl-").FullName;
    private readonly string _root = Directory.CreateTempSubdirectory("vt-fetch-root-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("vt-fetch-out-").FullName;

    public NodeFetchTests()
    {
        File.WriteAllText(Path.Combine(_templates, "node.tmpl"), "id: {{ self.identifier }}\nzone: {{ self.metadata.zone }}\n");
        File.WriteAllText(Path.Combine(_templates, "peers.tmpl"), "{{#each nodes}}\n{{ identifier }} {{ address }}\n{{/each}}");
        File.WriteAllText(Path.Combine(_templates, "env.tmpl"), "NODE={{ self.identifier }}\n");
    }

    public void Dispose()
    {
        foreach (var folder in new[] { _templates, _root, _outside }) Directory.Delete(folder, recursive: true);
    }

    private NodeMaterializerSettings Template(int minNodes) => new(NodeMaterializerType.Template, new NodeSourceSettings { Folder = _templates })
    {
        MinNodes = minNodes,
        NodeFiles = new Dictionary<string, string> { ["config.yaml"] = "node.tmpl", ["node.env"] = "env.tmpl" },
        SharedFiles = new Dictionary<string, string> { ["shared/peers.txt"] = "peers.tmpl" },
        SecretFiles = new HashSet<string> { "config.yaml" },
    };

    private async Task<(int Code, string Out, string Err)> Fetch(NodeTestServer server, string id, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["node", "fetch", "--server", server.Url, "--id", id, "--token", NodeTestServer.Token, "--root", _root, "--address", "10.1.0.1",
            "--metadata", """{"zone": "z1"}""", .. extra];
        var code = await VtApp.RunAsync(args, output, error, _root);
        Assert.DoesNotContain(NodeTestServer.Token, output.ToString() + error, StringComparison.Ordinal);
        return (code, output.ToString(), error.ToString());
    }

    private static readonly string[] Routes = ["--route", "/config.yaml=/etc/app/config.yaml", "--route", "node.env=/etc/app/", "--route", "shared/*=/etc/app/shared/", "--timeout", "30s"];

    private string[] Tree() => Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(_root, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task The_first_node_polls_until_its_peer_registers_then_writes_its_own_and_shared_files()
    {
        using var server = new NodeTestServer(Template(minNodes: 2));
        var fetch = Fetch(server, "node-1", Routes);
        await WaitUntil(() => server.Requests.Count(r => r.Status == 425) >= 2);
        await server.RegisterAsync("node-2");
        var (code, output, error) = await fetch;

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("waiting: not ready: 1 of at least 2 nodes registered; waiting for 1 more; next try in 1", output, StringComparison.Ordinal);
        Assert.Equal(["etc", "etc/app", "etc/app/config.yaml", "etc/app/node.env", "etc/app/shared", "etc/app/shared/peers.txt"], Tree());
        Assert.Equal("id: node-1\nzone: z1\n", File.ReadAllText(Path.Combine(_root, "etc/app/config.yaml")));
        Assert.Equal("NODE=node-1\n", File.ReadAllText(Path.Combine(_root, "etc/app/node.env")));
        Assert.Equal("node-1 10.1.0.1\nnode-2 10.0.0.9\n", File.ReadAllText(Path.Combine(_root, "etc/app/shared/peers.txt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root, "etc/app/config.yaml")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("644", 8), File.GetUnixFileMode(Path.Combine(_root, "etc/app/shared/peers.txt")));
        Assert.Contains($"wrote {Path.Combine(_root, "etc/app/config.yaml")} (0600, 20 bytes)", output, StringComparison.Ordinal);

        // Retry-After (1 s) was honoured between polls.
        var polls = server.Requests.Where(r => r.Path == NodeContract.ConfigRoute).Select(r => r.At).ToList();
        Assert.All(polls.Zip(polls.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(950), $"polled again after {(pair.Second - pair.First).TotalMilliseconds} ms"));
    }

    [Fact]
    public async Task A_file_no_route_takes_is_refused_unless_unrouted_files_are_allowed()
    {
        using var server = new NodeTestServer(Template(minNodes: 1));

        var (code, _, error) = await Fetch(server, "node-1", "--route", "/config.yaml=/etc/app/config.yaml", "--timeout", "20s");
        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Contains("no --route takes 'node.env'", error, StringComparison.Ordinal);
        Assert.Empty(Tree());

        (code, _, error) = await Fetch(server, "node-1", "--allow-unrouted", "--route", "/config.yaml=/etc/app/config.yaml");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal(["etc", "etc/app", "etc/app/config.yaml", "node.env", "shared", "shared/peers.txt"], Tree());
    }

    [Fact]
    public async Task A_sha256_mismatch_writes_nothing_and_keeps_the_existing_files()
    {
        using var server = new NodeTestServer(Template(minNodes: 1)) { AlterPayload = json => json.Replace("NODE=node-1", "NODE=evil-1", StringComparison.Ordinal) };
        Directory.CreateDirectory(Path.Combine(_root, "etc/app"));
        File.WriteAllText(Path.Combine(_root, "etc/app/config.yaml"), "old");

        var (code, _, error) = await Fetch(server, "node-1", Routes);

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Equal("error: refused: the SHA-256 of 'node.env' does not match its content: corrupted in transit (use https: the digest detects corruption, not tampering); nothing was written\n", error.Replace("\r", ""));
        Assert.Equal(["etc", "etc/app", "etc/app/config.yaml"], Tree());
        Assert.Equal("old", File.ReadAllText(Path.Combine(_root, "etc/app/config.yaml")));
    }

    [Theory]
    [InlineData("../escape.txt", "payload path '../escape.txt' must not contain '..'")]
    [InlineData("/etc/passwd", "payload path '/etc/passwd' must be relative (it starts with '/')")]
    [InlineData("a/./b", "payload path 'a/./b' is not normalised")]
    public async Task A_payload_path_escaping_the_root_is_refused(string path, string message)
    {
        using var server = new NodeTestServer(Template(minNodes: 1)) { AlterPayload = json => json.Replace("\"path\":\"node.env\"", $"\"path\":\"{path}\"", StringComparison.Ordinal) };

        var (code, _, error) = await Fetch(server, "node-1", [.. Routes, "--allow-unrouted"]);

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Empty(Tree());
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_root)!, "escape.txt")));
    }

    [Fact]
    public async Task A_symbolic_link_in_the_root_that_leads_outside_is_refused()
    {
        using var server = new NodeTestServer(Template(minNodes: 1));
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc", "app"), _outside);

        var (code, _, error) = await Fetch(server, "node-1", Routes);

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Contains("leads outside", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public async Task A_destination_that_is_the_folder_of_another_is_refused_before_anything_is_written()
    {
        using var server = new NodeTestServer(Template(minNodes: 1));

        var (code, _, error) = await Fetch(server, "node-1", "--route", "/config.yaml=/etc/app/conf", "--route", "node.env=/etc/app/conf/", "--route", "shared/*=/etc/app/shared/");

        Assert.Equal(ExitCodes.NodeRefused, code);
        Assert.Equal($"error: refused: 'config.yaml' would be written to {_root}/etc/app/conf, the folder 'node.env' needs ({_root}/etc/app/conf/node.env); nothing was written\n", error.Replace("\r", ""));
        Assert.Empty(Tree());
    }

    [Fact]
    public async Task A_failure_while_staging_leaves_the_tree_as_it_was()
    {
        using var server = new NodeTestServer(Template(minNodes: 1));
        Directory.CreateDirectory(Path.Combine(_root, "etc/app"));
        File.WriteAllText(Path.Combine(_root, "etc/app/config.yaml"), "old");
        // 'shared' is a file where a folder must be created: the last file cannot be staged.
        File.WriteAllText(Path.Combine(_root, "etc/app/shared"), "in the way");

        var (code, _, error) = await Fetch(server, "node-1", Routes);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("error: writing the files failed, nothing was left changed", error, StringComparison.Ordinal);
        Assert.Equal(["etc", "etc/app", "etc/app/config.yaml", "etc/app/shared"], Tree());
        Assert.Equal("old", File.ReadAllText(Path.Combine(_root, "etc/app/config.yaml")));
    }

    [Fact]
    public async Task Exit_codes_for_a_wrong_token_a_node_that_will_never_get_config_and_a_timeout()
    {
        using var server = new NodeTestServer(new NodeMaterializerSettings(NodeMaterializerType.Precomputed, new NodeSourceSettings { Folder = _templates })
        {
            Identifiers = ["node-1", "node-2"],
        });

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(["node", "fetch", "--server", server.Url, "--id", "node-1", "--token", "wrong", "--root", _root], output, error, _root);
        Assert.Equal(ExitCodes.NodeUnauthorized, code);
        Assert.Contains("the server refused registering for node 'node-1': 401 unauthorized", error.ToString(), StringComparison.Ordinal);

        var stopwatch = Stopwatch.StartNew();
        (code, _, var stranger) = await Fetch(server, "node-9", "--timeout", "30s");
        Assert.Equal(ExitCodes.NodeMissing, code);
        Assert.Contains("404 missing: node 'node-9' will never get config: node 'node-9' is not one of the expected identifiers", stranger, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "a 404 stops polling at once");

        // Long enough for the registration and the first 425 on a loaded machine ("last" names that answer).
        (code, _, var late) = await Fetch(server, "node-1", "--timeout", "5s");
        Assert.Equal(ExitCodes.NodeTimeout, code);
        Assert.Contains("no config for node 'node-1' within 00:00:05; last: not ready: 1 of 2 expected nodes registered; waiting for node-2", late, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_registration_was_lost_registers_again_instead_of_polling_until_the_timeout()
    {
        using var server = new NodeTestServer(Template(minNodes: 1)) { ForgetRegistrations = 1 };

        var (code, output, error) = await Fetch(server, "node-1", Routes);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("the server does not know node 'node-1' (node 'node-1' is not registered; register it first); registering again", output, StringComparison.Ordinal);
        Assert.Equal([NodeContract.RegisterRoute, NodeContract.ConfigRoute, NodeContract.RegisterRoute, NodeContract.ConfigRoute], server.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task An_unreachable_server_is_retried_until_the_timeout()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var port = LoopbackListener.FreePort();
        var code = await VtApp.RunAsync(["node", "fetch", "--server", $"http://127.0.0.1:{port}", "--id", "n1", "--token", "t", "--root", _root, "--timeout", "2s"], output, error, _root);
        Assert.Equal(ExitCodes.NodeTimeout, code);
        Assert.Contains("waiting: cannot register yet: cannot reach", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--route", "config.yaml", "must be SOURCE=DESTINATION")]
    [InlineData("--route", "shared/*=/etc/app", "needs a destination folder ending in '/'")]
    [InlineData("--route", "/a=/etc/../../x", "the destination must not contain '..'")]
    [InlineData("--timeout", "soon", "--timeout 'soon' must be a duration")]
    [InlineData("--metadata", "{bad", "--metadata is not JSON")]
    [InlineData("--address", "http://x/", "--address 'http://x/' must be")]
    public async Task Usage_errors_exit_2(string option, string value, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(["node", "fetch", "--server", "http://127.0.0.1:1", "--id", "n1", "--token", "t", "--root", _root, option, value], output, error, _root);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowing_unrouted_files_needs_an_explicit_root()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(["node", "fetch", "--server", "http://127.0.0.1:1", "--id", "n1", "--token", "t", "--allow-unrouted"], output, error, _root);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("error: --allow-unrouted needs an explicit --root: the server would otherwise choose paths under /\n", error.ToString().Replace("\r", ""));
        Assert.Empty(output.ToString());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}

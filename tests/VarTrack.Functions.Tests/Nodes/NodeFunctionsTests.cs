using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VarTrack.Core.Config;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;
using VarTrack.Functions.Nodes;

namespace VarTrack.Functions.Tests.Nodes;

/// <summary>The three node functions over the real <see cref="NodeConfigService"/> (in-memory state, templates in a temporary folder).</summary>
public sealed class NodeFunctionsTests : IDisposable
{
    private const string Token = "fn-node-token-2b7e";
    private readonly string _folder = Directory.CreateTempSubdirectory("vt-fn-nodes-").FullName;
    private readonly NodeFunctions _functions;

    public NodeFunctionsTests()
    {
        File.WriteAllText(Path.Combine(_folder, "node.tmpl"), "id={{ self.identifier }}\n");
        var settings = new NodeSettings(new NodeTokenSettings { Bootstrap = new SettingValue(Token, default) },
            new NodeMaterializerSettings(NodeMaterializerType.Template, new NodeSourceSettings { Folder = _folder })
            {
                MinNodes = 2,
                NodeFiles = new Dictionary<string, string> { ["node.conf"] = "node.tmpl" },
            }) { RetryAfter = TimeSpan.FromSeconds(4) };
        var state = new InMemoryStateStore();
        _functions = new NodeFunctions(new ServiceCollection().AddSingleton(new NodeConfigService(settings, new StateNodeRegistry(state, settings.Deployment), NodeMaterializers.Create(settings, null, state),
            new NodeAccess(settings.Tokens, new SettingResolver()), new FixedTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)))).BuildServiceProvider());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static HttpRequest Request(string method, object? body, string? token = Token)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (token is not null) context.Request.Headers.Authorization = $"Bearer {token}";
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body as string ?? JsonSerializer.Serialize(body));
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context.Request;
    }

    private static (int Status, JsonElement Body) Read(IActionResult result)
    {
        var content = Assert.IsType<ContentResult>(result);
        Assert.Equal(ApiResults.JsonContentType, content.ContentType);
        return (content.StatusCode!.Value, JsonDocument.Parse(content.Content!).RootElement.Clone());
    }

    [Fact]
    public async Task Register_config_and_list_answer_like_the_server()
    {
        var (status, body) = Read(await _functions.RegisterAsync(Request("POST", new { identifier = "node-1", address = "10.0.0.1" }), default));
        Assert.Equal((202, "node-1"), (status, body.GetProperty("identifier").GetString()));

        var early = Request("POST", new { identifier = "node-1" });
        (status, body) = Read(await _functions.ConfigAsync(early, default));
        Assert.Equal((425, "not_ready"), (status, body.GetProperty("error").GetString()));
        Assert.Equal("4", early.HttpContext.Response.Headers.RetryAfter.ToString());

        await _functions.RegisterAsync(Request("POST", new { identifier = "node-2", address = "node-2.local" }), default);
        (status, body) = Read(await _functions.ConfigAsync(Request("POST", new { identifier = "node-2" }), default));
        Assert.Equal(200, status);
        var file = body.GetProperty("files")[0];
        Assert.Equal(("node.conf", "id=node-2\n", "utf8"), (file.GetProperty("path").GetString(), file.GetProperty("content").GetString(), file.GetProperty("encoding").GetString()));

        (status, body) = Read(await _functions.ListAsync(Request("GET", null), default));
        Assert.Equal((200, "ready", 2), (status, body.GetProperty("state").GetString(), body.GetProperty("nodes").GetArrayLength()));
    }

    [Fact]
    public async Task A_wrong_token_is_401_and_a_body_over_the_limit_413()
    {
        var (status, body) = Read(await _functions.RegisterAsync(Request("POST", new { identifier = "node-1", address = "a" }, token: "nope"), default));
        Assert.Equal((401, "unauthorized"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(401, Read(await _functions.ListAsync(Request("GET", null, token: null), default)).Status);

        var huge = new string('x', NodeContract.MaxRequestBytes + 1);
        (status, body) = Read(await _functions.ConfigAsync(Request("POST", huge), default));
        Assert.Equal((413, "payload_too_large"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_service_that_cannot_be_created_is_a_json_500_with_a_correlation_id()
    {
        var broken = new NodeFunctions(new ServiceCollection()
            .AddSingleton<INodeRegistry>(_ => throw new InvalidOperationException("connection string AccountKey=abc is malformed"))
            .AddSingleton(sp => new NodeConfigService(null!, sp.GetRequiredService<INodeRegistry>(), null!, null!, TimeProvider.System))
            .BuildServiceProvider());

        foreach (var result in new[] { await broken.RegisterAsync(Request("POST", new { identifier = "node-1", address = "a" }), default), await broken.ListAsync(Request("GET", null), default) })
        {
            var (status, body) = Read(result);
            Assert.Equal((500, "internal_error"), (status, body.GetProperty("error").GetString()));
            Assert.Matches("^[0-9a-f]{16}$", body.GetProperty("correlation_id").GetString()!);
            Assert.DoesNotContain("AccountKey", body.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_per_node_tokens_the_list_takes_the_api_token_app_setting()
    {
        var settings = new NodeSettings(new NodeTokenSettings { PerNode = new Dictionary<string, SettingValue> { ["node-1"] = new("token-1", default) } },
            new NodeMaterializerSettings(NodeMaterializerType.Template, new NodeSourceSettings { Folder = _folder }) { MinNodes = 1, NodeFiles = new Dictionary<string, string> { ["node.conf"] = "node.tmpl" } });
        var state = new InMemoryStateStore();
        var service = new NodeConfigService(settings, new StateNodeRegistry(state, settings.Deployment), NodeMaterializers.Create(settings, null, state),
            new NodeAccess(settings.Tokens, new SettingResolver()), TimeProvider.System);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AppSettings.ApiTokenSetting] = "fn-api-token-9d" }).Build();
        var functions = new NodeFunctions(new ServiceCollection().AddSingleton(service).AddSingleton<IConfiguration>(configuration).BuildServiceProvider());

        Assert.Equal(401, Read(await functions.ListAsync(Request("GET", null, token: "token-1"), default)).Status);
        var (status, body) = Read(await functions.ListAsync(Request("GET", null, token: "fn-api-token-9d"), default));
        Assert.Equal((200, 0), (status, body.GetProperty("nodes").GetArrayLength()));
        // Without the setting nothing lists the nodes of a per-node deployment.
        Assert.Equal(401, Read(await new NodeFunctions(new ServiceCollection().AddSingleton(service).BuildServiceProvider()).ListAsync(Request("GET", null, token: "fn-api-token-9d"), default)).Status);
    }

    [Fact]
    public async Task Without_a_nodes_section_every_route_answers_404()
    {
        var none = new NodeFunctions(new ServiceCollection().BuildServiceProvider());
        var (status, body) = Read(await none.ConfigAsync(Request("POST", new { identifier = "node-1" }), default));
        Assert.Equal((404, "nodes_not_configured"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(404, Read(await none.ListAsync(Request("GET", null), default)).Status);
    }
}

using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The real self-hosted server with a <c>nodes:</c> section only, registrations in real Azurite Table storage (a
/// table of its own), state in its own folder; it can be stopped and started again on the same state and port.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    public const string BootstrapToken = "e2e-node-bootstrap-91c2";
    public const string ApiToken = "e2e-node-api-5d0e";

    private WebApplication? _app;

    private NodeServer(string folder, string table)
    {
        Folder = folder;
        Table = table;
        Url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Folder { get; }

    public string Table { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public string ConfigPath => Path.Combine(Folder, "vartrack.yaml");

    /// <summary>Writes vartrack.yaml with the registry and token settings and <paramref name="materializer"/> (YAML lines under 'materializer:', indented 4), then starts.</summary>
    public static async Task<NodeServer> StartAsync(string materializer, string? folder = null)
    {
        TestServices.Require("Azurite (Table)", $"127.0.0.1:{TestServices.AzuriteBlobPort + 2}");
        var server = new NodeServer(folder ?? Directory.CreateTempSubdirectory("vt-e2e-nodes-").FullName, "vte2enodes" + Guid.NewGuid().ToString("N")[..10]);
        await File.WriteAllTextAsync(server.ConfigPath, $$"""
            version: 1
            nodes:
              deployment: e2e
              tokens: { bootstrap: "{{BootstrapToken}}" }
              retry_after: 1s
              registry: { connection: "{{TestServices.AzureStorage}}", table: {{server.Table}} }
              materializer:
            {{materializer}}
            """);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        _app = ServerApp.Create(["--urls", Url], options =>
        {
            options.ConfigPath = ConfigPath;
            options.StateDirectory = Path.Combine(Folder, "state");
            options.ApiToken = ApiToken;
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public TableClient TableClient => new(TestServices.AzureStorage, Table);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        try
        {
            await new TableServiceClient(TestServices.AzureStorage).DeleteTableAsync(Table);
        }
        catch (Azure.RequestFailedException)
        {
            // Never created.
        }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

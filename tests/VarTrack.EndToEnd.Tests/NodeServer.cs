using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The real self-hosted server with a <c>nodes:</c> section only, registrations in real Azurite Table storage (a
/// table of its own), state in its own folder or, with <c>blobState</c>, in real Azurite Blob storage (the shared
/// <c>vartrack-state</c> container, so the deployment name is unique); it can be stopped and started again on the same
/// state and port, and <see cref="AlongsideAsync"/> starts a second instance over the same Table and Blob state.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    public const string BootstrapToken = "e2e-node-bootstrap-91c2";
    public const string ApiToken = "e2e-node-api-5d0e";

    private WebApplication? _app;

    /// <summary>True for an instance alongside another: the first one owns the Table and Blob state and removes them.</summary>
    private bool _shared;

    private NodeServer(string folder, string table, string deployment, bool blobState)
    {
        Folder = folder;
        Table = table;
        Deployment = deployment;
        BlobState = blobState;
        Url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Folder { get; }

    public string Table { get; }

    /// <summary>The Table partition key and the state key segment of this server's nodes.</summary>
    public string Deployment { get; }

    /// <summary>True when state (fixed membership, persisted payloads) is in Azurite Blob storage.</summary>
    public bool BlobState { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public string ConfigPath => Path.Combine(Folder, "vartrack.yaml");

    /// <summary>
    /// Writes vartrack.yaml with the registry and token settings and <paramref name="materializer"/> (YAML lines under
    /// 'materializer:', indented 4), then starts. <paramref name="tokens"/> replaces the bootstrap token (flow YAML for
    /// 'tokens:', e.g. <c>{ per_node: { node-1: "t1" } }</c>); <paramref name="settings"/> is one more line of 'nodes:'
    /// (e.g. <c>keep_payloads: 2</c>).
    /// </summary>
    public static async Task<NodeServer> StartAsync(string materializer, string? folder = null, string? tokens = null, bool blobState = false, string? settings = null)
    {
        TestServices.Require("Azurite (Table)", $"127.0.0.1:{TestServices.AzuriteBlobPort + 2}");
        if (blobState) TestServices.Require("Azurite (Blob)", $"127.0.0.1:{TestServices.AzuriteBlobPort}");
        var server = new NodeServer(folder ?? Directory.CreateTempSubdirectory("vt-e2e-nodes-").FullName, "vte2enodes" + Guid.NewGuid().ToString("N")[..10],
            blobState ? "e2e-" + Guid.NewGuid().ToString("N")[..12] : "e2e", blobState);
        tokens ??= $"{{ bootstrap: \"{BootstrapToken}\" }}";
        await File.WriteAllTextAsync(server.ConfigPath, $$"""
            version: 1
            nodes:
              deployment: {{server.Deployment}}
              tokens: {{tokens}}
              retry_after: 1s
              registry: { connection: "{{TestServices.AzureStorage}}", table: {{server.Table}} }
              materializer:
            {{materializer}}
              {{settings ?? ""}}
            """);
        await server.StartAsync();
        return server;
    }

    /// <summary>A second instance (its own port and local folder) with the same vartrack.yaml, so the same Table and, with <see cref="BlobState"/>, the same Blob state.</summary>
    public async Task<NodeServer> AlongsideAsync()
    {
        var other = new NodeServer(Directory.CreateTempSubdirectory("vt-e2e-nodes-").FullName, Table, Deployment, BlobState) { _shared = true };
        File.Copy(ConfigPath, other.ConfigPath);
        await other.StartAsync();
        return other;
    }

    public async Task StartAsync()
    {
        _app = ServerApp.Create(["--urls", Url], options =>
        {
            options.ConfigPath = ConfigPath;
            options.StateDirectory = Path.Combine(Folder, "state");
            options.ApiToken = ApiToken;
            if (BlobState) options.StateConnection = TestServices.AzureStorage;
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

    /// <summary>The Blob state store this server uses with <see cref="BlobState"/> (the product's own reader of it).</summary>
    public static BlobStateStore BlobStore => BlobStateStore.Create(TestServices.AzureStorage);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        if (_shared)
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
            return;
        }
        try
        {
            await new TableServiceClient(TestServices.AzureStorage).DeleteTableAsync(Table);
        }
        catch (Azure.RequestFailedException)
        {
            // Never created.
        }
        if (BlobState)
            foreach (var prefix in new[] { $"nodes/{Deployment}", $"node-artifacts/{Deployment}" })
                foreach (var key in await BlobStore.ListAsync(prefix))
                    await BlobStore.DeleteAsync(key);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

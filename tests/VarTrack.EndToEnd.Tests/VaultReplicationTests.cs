using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using VarTrack.Cli;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Connectors.Tests.Vault;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Replication;
using VarTrack.Core.State;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// Vault replication through the hosts: the self-hosted server's background service on its timer, and
/// <c>vt vault sync --once|status|check</c>, against two in-process fake Vaults (the documented KV v2 API) with the
/// sync info in real Azurite Blob storage.
/// </summary>
public sealed class VaultReplicationTests : IAsyncLifetime
{
    private const string ApiToken = "e2e-vault-api-token-19ce";

    private readonly string _folder = Directory.CreateTempSubdirectory("vt-e2e-vault-").FullName;
    private readonly string _container = "vt-e2e-vault-" + Guid.NewGuid().ToString("N")[..10];
    private FakeVaultServer _origin = null!;
    private FakeVaultServer _eu = null!;

    public async Task InitializeAsync()
    {
        TestServices.Require("Azurite", $"127.0.0.1:{TestServices.AzuriteBlobPort}");
        _origin = await FakeVaultServer.StartAsync();
        _eu = await FakeVaultServer.StartAsync();
        for (var i = 0; i < 3; i++)
            _origin.Seed("secret", $"stage/app{i}", new Dictionary<string, string> { ["password"] = $"pw-{i}-7f3a", ["user"] = $"svc{i}" });
    }

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _eu.DisposeAsync();
        await new BlobContainerClient(TestServices.AzureStorage, _container).DeleteIfExistsAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_server_replicates_on_its_timer_and_reports_each_owner_in_sync()
    {
        var config = await WriteConfigAsync(_eu.RootToken, interval: "1s");
        var url = $"http://127.0.0.1:{TestServices.UnusedPort()}";
        await using var app = ServerApp.Create(["--urls", url], options =>
        {
            options.ConfigPath = config;
            options.StateDirectory = Path.Combine(_folder, "state");
            options.ApiToken = ApiToken;
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/vault/status")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiToken);

        await EventuallyAsync(async () => await ReadAsync(_eu, "eu/app1") is { } secret && secret["password"].Reveal() == "pw-1-7f3a");
        _origin.Seed("secret", "stage/app1", new Dictionary<string, string> { ["password"] = "rotated-91bd", ["user"] = "svc1" });
        await EventuallyAsync(async () => (await ReadAsync(_eu, "eu/app1"))?["password"].Reveal() == "rotated-91bd");
        await EventuallyAsync(async () =>
        {
            var view = JsonSerializer.Deserialize<ReplicationStatusView>(await http.GetStringAsync("/api/vault/status"), StateJson.Options)!;
            return view.Owners.Any(o => o is { Owner: "destination-eu", InSync: true } && o.Last.Paths == 3);
        });

        var (code, output, _) = await VtAsync("vault", "status", "--server", url, "--token", ApiToken);
        Assert.Equal(0, code);
        Assert.Contains("origin-primary: in sync", output);
        Assert.Contains("destination-eu: in sync", output);
        Assert.Contains("3/3 paths in sync, 0 pending", output);
        await app.StopAsync();
    }

    [Fact]
    public async Task Vt_vault_sync_once_replicates_and_a_second_run_reads_no_secret()
    {
        var config = await WriteConfigAsync(_eu.RootToken, interval: "1m");

        var (code, output, error) = await VtAsync("vault", "sync", "--once", "--config", config, "--state", Path.Combine(_folder, "state"));
        Assert.True(code == 0, error);
        Assert.Contains("origin-primary: published", output);
        Assert.Contains("destination-eu: published", output);
        Assert.Contains("3 copied", output);
        Assert.Equal("svc2", (await ReadAsync(_eu, "eu/app2"))!["user"].Reveal());
        Assert.DoesNotContain("pw-", output + error, StringComparison.Ordinal);

        _origin.ResetCounters();
        (code, output, _) = await VtAsync("vault", "sync", "--once", "--config", config, "--state", Path.Combine(_folder, "state"));
        Assert.Equal(0, code);
        Assert.Contains("origin-primary: unchanged", output);
        Assert.Equal(0, _origin.DataReads);

        (code, output, _) = await VtAsync("vault", "status", "--config", config, "--state", Path.Combine(_folder, "state"));
        Assert.Equal(0, code);
        Assert.Contains("destination-eu: in sync", output);
    }

    [Fact]
    public async Task Vt_vault_check_lists_exactly_the_missing_destination_permissions_and_exits_1()
    {
        var readOnly = _eu.CreateToken(("secret/data/*", ["read"]), ("secret/metadata/*", ["read", "list"]));
        var config = await WriteConfigAsync(readOnly, interval: "1m");

        var (code, output, error) = await VtAsync("vault", "check", "--config", config, "--state", Path.Combine(_folder, "state"));

        Assert.Equal(1, code);
        Assert.Contains("missing:", output);
        Assert.Contains("create", output);
        Assert.DoesNotContain(readOnly, output + error, StringComparison.Ordinal);
        Assert.Contains("ok: ", output);
    }

    [Fact]
    public async Task Vt_vault_sync_once_exits_1_when_work_is_left_pending_like_status()
    {
        var config = await WriteConfigAsync(_eu.RootToken, interval: "1m");
        // app1 is gone when the copy reads it (a 404 once): skipped without an error, left pending for the next run.
        _origin.InjectFault("secret/data/stage/app1", 404, error: "", times: 1);

        var (code, output, _) = await VtAsync("vault", "sync", "--once", "--config", config, "--state", Path.Combine(_folder, "state"));

        Assert.Contains("destination-eu: published", output);
        Assert.Contains("2 copied, 0 deleted, 1 pending", output);
        Assert.DoesNotContain("error:", output);
        Assert.Equal(1, code);
        var (statusCode, status, _) = await VtAsync("vault", "status", "--config", config, "--state", Path.Combine(_folder, "state"));
        Assert.Equal((1, true), (statusCode, status.Contains("destination-eu: NOT in sync", StringComparison.Ordinal)));

        (code, output, _) = await VtAsync("vault", "sync", "--once", "--config", config, "--state", Path.Combine(_folder, "state"));
        Assert.Contains("1 copied, 0 deleted, 0 pending", output);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Vt_vault_sync_without_once_is_a_usage_error()
    {
        var config = await WriteConfigAsync(_eu.RootToken, interval: "1m");

        var (code, _, error) = await VtAsync("vault", "sync", "--config", config);

        Assert.Equal(2, code);
        Assert.Contains("--once", error);
    }

    private async Task<string> WriteConfigAsync(string destinationToken, string interval)
    {
        var path = Path.Combine(_folder, "vartrack.yaml");
        await File.WriteAllTextAsync(path, $$"""
            version: 1
            replication:
              interval: {{interval}}
              timeout: 30s
              workers: 4
              sync_info: { connection: "{{TestServices.AzureStorage}}", container: {{_container}} }
              origin:
                name: primary
                vault: { address: "{{_origin.Address}}", auth: { token: "{{_origin.RootToken}}" } }
                mounts: [ { mount: secret, prefix: stage } ]
              destinations:
                - name: eu
                  vault: { address: "{{_eu.Address}}", auth: { token: "{{destinationToken}}" } }
                  delete_mode: soft
                  unmatched: skip
                  transforms:
                    - match: '^secret/stage/(?<app>[^/]+)$'
                      to: 'secret/eu/${app}'
            """);
        return path;
    }

    private static async Task<IReadOnlyDictionary<string, Core.Secrets.SecretValue>?> ReadAsync(FakeVaultServer vault, string path)
    {
        using var client = new VaultClient(new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new Core.Secrets.SecretValue(vault.RootToken)) });
        return (await client.ReadSecretAsync("secret", path))?.Data;
    }

    private async Task<(int Code, string Output, string Error)> VtAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await VtApp.RunAsync(args, output, error, _folder);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("the condition did not become true within 30 s");
            await Task.Delay(200);
        }
    }
}

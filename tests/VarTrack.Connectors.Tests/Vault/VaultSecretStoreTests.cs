using System.Net;
using VarTrack.Connectors.Vault;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Tests.Vault;

public sealed class VaultSecretStoreTests
{
    private const string Secret = "Zebra-Quokka-7781-hunter2!";

    private static VaultClient Client(FakeVaultServer vault, string? token = null) =>
        new(new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new SecretValue(token ?? vault.RootToken)) });

    private static Dictionary<string, SecretValue> Data(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => new SecretValue(p.Value));

    private static void AssertNoLeak(Exception exception, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, exception.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reads_the_latest_version_of_mount_slash_path()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddMount("kv");
        using var client = Client(vault);
        await client.WriteSecretAsync("kv", "team/app/db", Data(("user", "old"), ("password", "old")));
        await client.WriteSecretAsync("kv", "team/app/db", Data(("user", "app"), ("password", Secret)));
        var store = new VaultSecretStore(client);

        var data = await store.ReadAsync("kv/team/app/db");

        Assert.Equal(["user", "password"], data.Keys);
        Assert.Equal("app", data["user"].Reveal());
        Assert.Equal(Secret, data["password"].Reveal());
    }

    [Fact]
    public async Task A_missing_secret_is_not_found_and_names_the_path()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = Client(vault);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/missing"));

        Assert.True(error.NotFound);
        Assert.Equal("secret/app/missing", error.Path);
        Assert.Equal($"secret 'secret/app/missing' does not exist in vault at {client.Address}", error.Message);
    }

    [Fact]
    public async Task A_soft_deleted_latest_version_is_not_found_even_though_older_versions_exist()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = Client(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", "old")));
        await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)));
        await client.DeleteLatestAsync("secret", "app/db");
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/db"));

        Assert.True(error.NotFound);
        Assert.Equal($"secret 'secret/app/db' has no readable latest version in vault at {client.Address}: version 2 is deleted", error.Message);
        AssertNoLeak(error, Secret, "old");
    }

    [Fact]
    public async Task A_destroyed_latest_version_is_not_found()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = Client(vault);
        await client.WriteSecretAsync("secret", "app/db", Data(("password", Secret)));
        await client.DestroyVersionsAsync("secret", "app/db", [1]);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/db"));

        Assert.True(error.NotFound);
        Assert.EndsWith("version 1 is destroyed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_metadata_may_not_be_read_a_missing_secret_is_still_not_found()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/metadata/*", 403, "permission denied");
        using var client = Client(vault);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/db"));

        Assert.True(error.NotFound);
        Assert.Equal($"secret 'secret/app/db' was not found in vault at {client.Address}", error.Message);
    }

    [Fact]
    public async Task Permission_denied_is_a_failure_naming_the_path_and_status_not_a_missing_secret()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var writer = Client(vault);
        await writer.WriteSecretAsync("secret", "app/db", Data(("password", Secret)));
        const string wrongToken = "hvs.not-allowed-Axolotl-31";
        using var client = Client(vault, wrongToken);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/db"));

        Assert.False(error.NotFound);
        Assert.Equal("secret/app/db", error.Path);
        Assert.Equal("cannot read secret 'secret/app/db': vault returned 403 for secret/data/app/db: permission denied", error.Message);
        Assert.Equal(HttpStatusCode.Forbidden, Assert.IsType<VaultException>(error.InnerException).StatusCode);
        AssertNoLeak(error, Secret, wrongToken, vault.RootToken);
    }

    [Fact]
    public async Task A_server_error_is_a_failure_naming_the_path_and_status()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.InjectFault("secret/data/app/db", 500, "internal error");
        using var client = Client(vault);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync("secret/app/db"));

        Assert.False(error.NotFound);
        Assert.Equal("cannot read secret 'secret/app/db': vault returned 500 for secret/data/app/db: internal error", error.Message);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("secret/")]
    [InlineData("/secret")]
    [InlineData("")]
    [InlineData("secret/a//b")]
    public async Task A_path_without_mount_and_secret_is_refused(string path)
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var client = Client(vault);
        var store = new VaultSecretStore(client);

        var error = await Assert.ThrowsAsync<SecretStoreException>(() => store.ReadAsync(path));

        Assert.False(error.NotFound);
        Assert.Equal(path, error.Path);
        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, vault.RequestCount);
    }
}

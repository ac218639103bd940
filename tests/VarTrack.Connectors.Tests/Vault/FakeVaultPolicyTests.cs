using VarTrack.Connectors.Vault;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Tests.Vault;

/// <summary>The fake's per-token policies and sys/capabilities-self, through the real client.</summary>
public sealed class FakeVaultPolicyTests
{
    private static VaultClient Client(FakeVaultServer vault, string token) =>
        new(new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new SecretValue(token)) });

    private static Dictionary<string, SecretValue> Data(string value) => new() { ["v"] = new SecretValue(value) };

    [Fact]
    public async Task A_token_may_do_what_its_rules_allow_and_gets_permission_denied_otherwise()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var root = Client(vault, vault.RootToken);
        await root.WriteSecretAsync("secret", "app/one", Data("1"));
        using var reader = Client(vault, vault.CreateToken(("secret/data/app/*", ["read"]), ("secret/metadata/app/", ["list"]), ("secret/data/app/locked", ["deny"])));

        Assert.Equal("1", (await reader.ReadSecretAsync("secret", "app/one"))!.Data["v"].Reveal());
        Assert.Equal(["one"], await reader.ListAsync("secret", "app"));
        var write = await Assert.ThrowsAsync<VaultException>(() => reader.WriteSecretAsync("secret", "app/two", Data("2")));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("vault returned 403 for secret/data/app/two: permission denied", write.Message);
        await Assert.ThrowsAsync<VaultException>(() => reader.ReadMetadataAsync("secret", "app/one"));
        await Assert.ThrowsAsync<VaultException>(() => reader.ListAsync("secret", ""));
        await Assert.ThrowsAsync<VaultException>(() => reader.ReadSecretAsync("secret", "app/locked"));
        Assert.Equal(1, vault.DataWrites);
    }

    [Fact]
    public async Task Writes_need_create_for_a_new_key_and_update_for_an_existing_one()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var root = Client(vault, vault.RootToken);
        await root.WriteSecretAsync("secret", "exists", Data("1"));
        using var updater = Client(vault, vault.CreateToken(("secret/data/+", ["update"])));

        await updater.WriteSecretAsync("secret", "exists", Data("2"));
        await Assert.ThrowsAsync<VaultException>(() => updater.WriteSecretAsync("secret", "new", Data("1")));
        Assert.Equal(1, vault.SecretCount());
    }

    [Fact]
    public async Task Capabilities_self_answers_per_path_from_the_most_specific_rule()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var limited = Client(vault, vault.CreateToken(("secret/*", ["read", "list"]), ("secret/data/app/*", ["create", "update", "read"]), ("secret/data/app/x", ["deny"])));
        using var root = Client(vault, vault.RootToken);

        var answer = await limited.CapabilitiesAsync(["secret/metadata/", "secret/data/app/y", "secret/data/app/x", "kv/data/z"]);
        var single = await limited.CapabilitiesAsync(["secret/data/app/y"]);
        var all = await root.CapabilitiesAsync(["anything/at/all"]);

        Assert.Equal(["list", "read"], answer["secret/metadata/"]);
        Assert.Equal(["create", "read", "update"], answer["secret/data/app/y"]);
        Assert.Equal(["deny"], answer["secret/data/app/x"]);
        Assert.Equal(["deny"], answer["kv/data/z"]);
        Assert.Equal(["create", "read", "update"], single["secret/data/app/y"]);
        Assert.Equal(["root"], all["anything/at/all"]);
    }

    [Fact]
    public async Task Counters_count_data_and_metadata_requests_separately()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        using var root = Client(vault, vault.RootToken);
        await root.WriteSecretAsync("secret", "a", Data("1"));
        await root.ReadSecretAsync("secret", "a");
        await root.ReadMetadataAsync("secret", "a");
        await root.ReadMetadataAsync("secret", "a");
        await root.ListAsync("secret", "");
        await root.DeleteLatestAsync("secret", "a");

        Assert.Equal((1, 1, 2, 1, 1), (vault.DataWrites, vault.DataReads, vault.MetadataReads, vault.Lists, vault.Deletes));
        vault.ResetCounters();
        Assert.Equal((0, 0, 0, 0, 0), (vault.DataWrites, vault.DataReads, vault.MetadataReads, vault.Lists, vault.Deletes));
    }
}

using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VarTrack.Connectors;
using VarTrack.Connectors.Vault;
using VarTrack.Core;
using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Etl;
using VarTrack.Core.Secrets;

namespace VarTrack.Connectors.Tests.Vault;

/// <summary>vartrack.yaml's vault section -> options -> client -> pipeline, over HTTP to the fake Vault.</summary>
public sealed class VaultPipelineTests
{
    private const string Secret = "p4ss-NEVER-SHOWN";

    [Fact]
    public async Task Secrets_in_a_file_resolve_through_the_configured_vault_and_never_print()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddMount("secret");
        var config = VarTrackConfigLoader.Parse(
            $"vault:\n  address: \"${{VAULT_ADDR}}\"\n  auth: {{ method: token, token: \"${{VAULT_TOKEN}}\" }}\nrules:\n  - name: app\n",
            "vartrack.yaml", Path.GetTempPath());
        var environment = new Dictionary<string, string?> { ["VAULT_ADDR"] = vault.Address.ToString(), ["VAULT_TOKEN"] = vault.RootToken };
        using var client = new VaultClient(VaultOptionsFactory.Create(config.Vault!, config.BaseDirectory, new SettingResolver(n => environment.GetValueOrDefault(n))));
        await client.WriteSecretAsync("secret", "app/db", new Dictionary<string, SecretValue> { ["user"] = new("app"), ["password"] = new(Secret) });
        var pipeline = new ConfigPipeline(config, new VaultSecretStore(client));
        var file = "vartrack:\n  db:\n    host: db.internal\n    password: \"@secret(secret/app/db#password)\"\n  whole: \"@secret(secret/app/db)\"\n";

        var rendered = await pipeline.RenderAsync(new RenderRequest("app.yaml", Encoding.UTF8.GetBytes(file), config.Rules[0], SourceRef.None) { Environment = "production" });

        Assert.Equal(Secret, rendered.Values["db.password"].Reveal());
        Assert.Equal("***", rendered.Values["db.password"].Display);
        Assert.Equal(["db.host", "db.password", "whole.password", "whole.user"], rendered.Values.Keys);
        Assert.DoesNotContain(Secret, string.Join("\n", rendered.Values.Select(v => $"{v.Key}={v.Value}")));
    }

    [Fact]
    public async Task A_reference_vault_cannot_resolve_fails_the_file_naming_key_and_path()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddMount("secret");
        vault.InjectFault("secret/data/app/locked", 403, "permission denied");
        using var client = new VaultClient(new VaultOptions { Address = vault.Address, Auth = new TokenAuth(new SecretValue(vault.RootToken)) });
        var config = VarTrackConfig.Defaults(Path.GetTempPath());
        var pipeline = new ConfigPipeline(config, new VaultSecretStore(client));
        var file = "vartrack:\n  a: \"@secret(secret/app/locked#k)\"\n  b: \"@secret(secret/app/absent#k)\"\n";

        var error = await Assert.ThrowsAsync<VarTrackException>(() =>
            pipeline.RenderAsync(new RenderRequest("app.yaml", Encoding.UTF8.GetBytes(file), config.Rules[0], SourceRef.None) { Environment = "production" }));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Key == "a" && p.Message.Contains("secret/app/locked") && p.Message.Contains("403"));
        Assert.Contains(error.Problems, p => p.Key == "b" && p.Message.Contains("secret/app/absent"));
        Assert.Equal(2, error.Problems.Single(p => p.Key == "a").Position.Line);
        Assert.Equal(3, error.Problems.Single(p => p.Key == "b").Position.Line);
    }
}

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task Hosts_get_a_pipeline_that_resolves_secrets_through_the_configured_vault()
    {
        await using var vault = await FakeVaultServer.StartAsync();
        vault.AddMount("secret");
        var config = VarTrackConfigLoader.Parse("vault:\n  address: \"${A}\"\n  auth: { token: \"${T}\" }\n", "vartrack.yaml", Path.GetTempPath());
        var environment = new Dictionary<string, string?> { ["A"] = vault.Address.ToString(), ["T"] = vault.RootToken };
        using var provider = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddVarTrackCore(config)
            .AddVarTrackConnectors(config, n => environment.GetValueOrDefault(n))
            .BuildServiceProvider();
        var client = provider.GetRequiredService<VaultClient>();
        await client.WriteSecretAsync("secret", "x", new Dictionary<string, SecretValue> { ["k"] = new("v") });

        var pipeline = provider.GetRequiredService<ConfigPipeline>();
        var rendered = await pipeline.RenderAsync(new RenderRequest("a.yaml", Encoding.UTF8.GetBytes("k: \"@secret(secret/x#k)\"\n"), new RuleDefinition("r"), SourceRef.None) { Environment = "dev" });

        Assert.Same(provider.GetRequiredService<ISecretStore>(), provider.GetRequiredService<ISecretStore>());
        Assert.Equal("v", rendered.Values["k"].Reveal());
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VarTrack.Connectors.Tests.Sinks;
using VarTrack.Core.Releases.Age;
using VarTrack.Server;

namespace VarTrack.EndToEnd.Tests;

/// <summary>
/// The real server with rules for environment files of a release-metadata layout: <c>envs/Prod/**</c> read with the
/// Prod age identity, <c>envs/Dev/**</c> with the Dev identity (identity files beside vartrack.yaml), both into Redis
/// under <c>vt-e2e:{repository}:{env}</c>; Prod is watched for drift and healed. Everything the server logs is captured.
/// </summary>
public sealed class EncryptedEnvServer : RunningServer, IAsyncLifetime
{
    /// <summary>The server's log lines from start-up on (the provider joins loggers already created, too).</summary>
    public CapturedLogs Logs { get; } = new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
    }

    public AgeIdentity Prod { get; } = AgeIdentity.Generate();

    public AgeIdentity Dev { get; } = AgeIdentity.Generate();

    protected override void Configure(ServerOptions options)
    {
        File.WriteAllText(Path.Combine(Folder, "prod.key"), Prod.ExportIdentityFile(DateTimeOffset.UtcNow));
        File.WriteAllText(Path.Combine(Folder, "dev.key"), Dev.ExportIdentityFile(DateTimeOffset.UtcNow));
        var config = Path.Combine(Folder, "vartrack-encrypted.yaml");
        File.WriteAllText(config, $$"""
            version: 1
            webhooks:
              github: { secret: "{{Secret}}" }
            sinks:
              cache: { type: redis, connection: "{{TestServices.Redis}}", mode: hash, destination: "vt-e2e:{repository}:{env}" }
            rules:
              - name: prod-env
                platform: github
                repositories: ["e2e/*"]
                files: ["envs/Prod/**"]
                root_key: null
                environment: { branch_name: false, default: production }
                sinks: [cache]
                prune: true
                drift: { enabled: true, interval: 1s, self_heal: true }
                decrypt: { age_identities: [prod.key] }
              - name: dev-env
                platform: github
                repositories: ["e2e/*"]
                files: ["envs/Dev/**"]
                root_key: null
                environment: { branch_name: false, default: development }
                sinks: [cache]
                decrypt: { age_identities: [dev.key] }
            """);
        options.ConfigPath = config;
    }
}

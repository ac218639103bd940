using VarTrack.Connectors.Vault;
using VarTrack.Core.Config;
using VarTrack.Core.Secrets;

namespace VarTrack.Cli;

/// <summary>Builds the secret store vartrack.yaml describes (none when it has no 'vault' section).</summary>
internal static class SecretStores
{
    public static ISecretStore? FromConfig(VarTrackConfig config) =>
        config.Vault is null
            ? null
            : new VaultSecretStore(new VaultClient(VaultOptionsFactory.Create(config.Vault, config.BaseDirectory, new SettingResolver())));
}

using VarTrack.Core.Config;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// The clusters of the <c>replication:</c> section, one <see cref="VaultClient"/> each, made on first use and not
/// cached when that fails. So a missing environment variable or bad cluster setting never stops the host at startup:
/// it is reported by whatever needs the cluster first, naming the cluster, as every path of that cluster missing in the
/// access check, or as a fatal cycle (on the self-hosted server a fatal cycle stops replication until a restart).
/// </summary>
public sealed class VaultReplicaVaults : IReplicaVaults, IDisposable
{
    private readonly Dictionary<string, (string Role, VaultSettings Settings)> _configured = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IReplicaVault Vault, VaultClient Client)> _created = new(StringComparer.Ordinal);
    private readonly Func<VaultSettings, VaultClient> _createClient;
    private readonly TimeProvider? _time;

    public VaultReplicaVaults(ReplicationSettings settings, Func<VaultSettings, VaultClient> createClient, TimeProvider? time = null)
    {
        _configured[settings.Origin.Name] = ("origin", settings.Origin.Vault);
        foreach (var destination in settings.Destinations) _configured[destination.Name] = ("destination", destination.Vault);
        _createClient = createClient;
        _time = time;
    }

    /// <summary>Clients built from each cluster's <c>vault:</c> settings (<c>${ENV}</c> references resolved by <paramref name="resolver"/>).</summary>
    public static VaultReplicaVaults Create(ReplicationSettings settings, string baseDirectory, SettingResolver resolver, TimeProvider? time = null) =>
        new(settings, vault => new VaultClient(VaultOptionsFactory.Create(vault, baseDirectory, resolver)), time);

    public IReplicaVault Get(string name)
    {
        lock (_created)
        {
            if (_created.TryGetValue(name, out var created)) return created.Vault;
            if (!_configured.TryGetValue(name, out var configured))
                throw new ReplicaVaultException(null, $"no replication origin or destination is named '{name}'") { Configuration = true };
            VaultClient client;
            try
            {
                client = _createClient(configured.Settings);
            }
            catch (VarTrackException ex)
            {
                throw new ReplicaVaultException(null, $"{configured.Role} '{name}': {string.Join("; ", ex.Problems.Select(p => p.Message))}", ex) { Configuration = true };
            }
            catch (ArgumentException ex)
            {
                throw new ReplicaVaultException(null, $"{configured.Role} '{name}': {ex.Message}", ex) { Configuration = true };
            }
            var vault = new VaultReplicaVault(configured.Role, name, client, _time);
            _created[name] = (vault, client);
            return vault;
        }
    }

    public void Dispose()
    {
        lock (_created)
        {
            foreach (var (_, client) in _created.Values) client.Dispose();
            _created.Clear();
        }
    }
}

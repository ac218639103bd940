using VarTrack.Core.Replication;
using VarTrack.Core.Secrets;

namespace VarTrack.Functions.Tests.Timers;

/// <summary>Vault clusters for the access check only: every path has <see cref="Capabilities"/> (default <c>root</c>); nothing else is called.</summary>
public sealed class GrantingVaults : IReplicaVaults, IReplicaVault
{
    public IReadOnlyList<string> Capabilities { get; set; } = ["root"];

    public string Name => "fake";

    public string Address => "http://127.0.0.1:8200";

    public IReplicaVault Get(string name) => this;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CapabilitiesAsync(IReadOnlyList<string> apiPaths, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(apiPaths.ToDictionary(p => p, _ => Capabilities));

    public Task<IReadOnlyList<string>> ListAsync(string mount, string folder, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SecretInsight?> ReadInsightAsync(string mount, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyDictionary<string, SecretValue>?> ReadSecretAsync(string mount, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task WriteSecretAsync(string mount, string path, IReadOnlyDictionary<string, SecretValue> data, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task SoftDeleteLatestAsync(string mount, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteMetadataAsync(string mount, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

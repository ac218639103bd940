using System.Text.Json;
using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Registrations as documents in VarTrack's state store under <c>nodes/&lt;deployment&gt;/registrations/&lt;identifier&gt;</c>
/// (a local folder for the embedded default, Blob storage when the host's state is shared). A write replaces the
/// document atomically; two racing registrations of one identifier end with one of them, which is what a re-register means.
/// </summary>
public sealed class StateNodeRegistry(IStateStore state, string deployment) : INodeRegistry
{
    public string Description => $"the state store (nodes/{deployment})";

    public async Task<NodeRegistration> RegisterAsync(string identifier, string address, JsonElement metadata, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(identifier, cancellationToken);
        var registration = new NodeRegistration(identifier, address, metadata.Clone(), existing?.RegisteredAt ?? now, now);
        await state.WriteAsync(Key(identifier), StateJson.Serialize(registration), cancellationToken);
        return registration;
    }

    public Task<NodeRegistration?> GetAsync(string identifier, CancellationToken cancellationToken = default) =>
        StateJson.ReadAsync<NodeRegistration>(state, Key(identifier), cancellationToken);

    public async Task<IReadOnlyList<NodeRegistration>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = await state.ListAsync(Prefix, cancellationToken);
        var reads = keys.Select(key => StateJson.ReadAsync<NodeRegistration>(state, key, cancellationToken));
        // A document removed between list and read is simply not listed.
        return (await Task.WhenAll(reads)).OfType<NodeRegistration>().ToList();
    }

    private string Prefix => StateKey.Of("nodes", deployment, "registrations");

    private string Key(string identifier) => StateKey.Of("nodes", deployment, "registrations", identifier);
}

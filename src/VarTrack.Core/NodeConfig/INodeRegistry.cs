using System.Text.Json;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The registrations of one deployment. Implemented over VarTrack's state store (<see cref="StateNodeRegistry"/>, the
/// embedded default) and Azure Table storage (connectors), so a scaled-out or restarted host keeps every node.
/// </summary>
public interface INodeRegistry
{
    /// <summary>Names the store for errors and logs (never a connection string).</summary>
    string Description { get; }

    /// <summary>Creates or updates the node; the first registration time is kept across updates.</summary>
    Task<NodeRegistration> RegisterAsync(string identifier, string address, JsonElement metadata, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<NodeRegistration?> GetAsync(string identifier, CancellationToken cancellationToken = default);

    /// <summary>Every registration of the deployment, in no particular order.</summary>
    Task<IReadOnlyList<NodeRegistration>> ListAsync(CancellationToken cancellationToken = default);
}

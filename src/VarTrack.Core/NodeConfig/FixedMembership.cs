namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The members of a <c>min_nodes</c> deployment as they were when it first became ready (identifier, address,
/// metadata), stored once with create-if-absent under <c>nodes/&lt;deployment&gt;/membership</c>. Every later payload
/// is rendered from these registrations, so every node of the deployment sees the same peer list.
/// </summary>
public sealed record FixedMembership(DateTimeOffset FixedAt, IReadOnlyList<NodeRegistration> Nodes);

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The answer of <c>GET /api/nodes</c> (admin): the deployment's readiness as the materializer sees the current
/// snapshot (<c>ready</c>, <c>not_ready</c>, <c>missing</c>, <c>error</c>, with the reason) and every registration.
/// </summary>
public sealed record NodeList(int SchemaVersion, string Deployment, string Snapshot, string State, IReadOnlyList<NodeStatus> Nodes)
{
    public string? Reason { get; init; }
}

using System.Text.Json;

namespace VarTrack.Core.NodeConfig;

/// <summary>One node in <c>GET /api/nodes</c>: its registration and whether config is ready for it (<c>ready</c>, <c>not_ready</c>, <c>missing</c>, <c>error</c>).</summary>
public sealed record NodeStatus(string Identifier, string Address, JsonElement Metadata, DateTimeOffset RegisteredAt, DateTimeOffset UpdatedAt, string State)
{
    public string? Reason { get; init; }
}

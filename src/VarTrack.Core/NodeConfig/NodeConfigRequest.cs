namespace VarTrack.Core.NodeConfig;

/// <summary>The body of <c>POST /api/nodes/config</c>: <c>{identifier}</c>.</summary>
public sealed record NodeConfigRequest
{
    public int? SchemaVersion { get; init; }

    public string? Identifier { get; init; }
}

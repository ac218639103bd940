using System.Text.Json;

namespace VarTrack.Core.NodeConfig;

/// <summary>The body of <c>POST /api/nodes/register</c>: <c>{identifier, address, metadata}</c>; metadata is any JSON, kept as sent.</summary>
public sealed record NodeRegisterRequest
{
    public int? SchemaVersion { get; init; }

    public string? Identifier { get; init; }

    public string? Address { get; init; }

    public JsonElement? Metadata { get; init; }
}

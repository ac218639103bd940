using System.Text.Json;

namespace VarTrack.Core.NodeConfig;

/// <summary>A registered node: what it sent last, when it first registered and when it last updated.</summary>
public sealed record NodeRegistration(string Identifier, string Address, JsonElement Metadata, DateTimeOffset RegisteredAt, DateTimeOffset UpdatedAt);

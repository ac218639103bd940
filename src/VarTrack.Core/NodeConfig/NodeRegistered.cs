namespace VarTrack.Core.NodeConfig;

/// <summary>The 202 answer to a registration.</summary>
public sealed record NodeRegistered(int SchemaVersion, string Identifier, DateTimeOffset RegisteredAt, DateTimeOffset UpdatedAt);

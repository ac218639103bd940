namespace VarTrack.Core.NodeConfig;

/// <summary>Never for this node or deployment (an identifier that is not expected): the node stops polling (404).</summary>
public sealed record MaterializationMissing(string Reason) : Materialization;

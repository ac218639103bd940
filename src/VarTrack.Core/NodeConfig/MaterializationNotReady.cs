namespace VarTrack.Core.NodeConfig;

/// <summary>Not yet (e.g. 1 of 3 nodes registered): nodes poll again (425 with Retry-After).</summary>
public sealed record MaterializationNotReady(string Reason) : Materialization;

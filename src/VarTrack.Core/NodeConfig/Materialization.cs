namespace VarTrack.Core.NodeConfig;

/// <summary>What a materializer says about a snapshot: <see cref="MaterializationNotReady"/>, <see cref="MaterializationMissing"/> or <see cref="MaterializationReady"/>.</summary>
public abstract record Materialization;

using VarTrack.Core.Planning;

namespace VarTrack.Core.Sync;

/// <summary>A dry run at one destination: what it holds now and what a sync would change.</summary>
public sealed record DestinationPlan(SyncDestination Destination, Snapshot Snapshot, ChangeSet Changes);

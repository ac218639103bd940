namespace VarTrack.Core.Replication;

/// <summary>The plan for one origin path: what to record at the destination when the action succeeds (Applied) or not (Kept); null = no record.</summary>
internal sealed record PlannedPath(string Path, PlannedAction Action, SecretInsight? Applied, SecretInsight? Kept);

namespace VarTrack.Core.Workflows;

/// <summary>Activity input after every file of a request succeeded: the full commit id that is now applied for its ref.</summary>
public sealed record SyncFinish(SyncRequest Request, string Commit);

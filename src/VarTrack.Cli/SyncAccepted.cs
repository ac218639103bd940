namespace VarTrack.Cli;

/// <summary>The 202 answer to <c>POST /api/syncs</c>.</summary>
internal sealed record SyncAccepted(string SyncId, string StatusUrl);

using VarTrack.Core.Workflows;

namespace VarTrack.Cli;

/// <summary>The answer to <c>GET /api/syncs</c>: newest first.</summary>
internal sealed record SyncList(IReadOnlyList<SyncRecord> Syncs);

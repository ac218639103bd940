using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// What a sync request resolved to at its commit: the files to sync, the files that failed validation (reported, never
/// written) and, when the request as a whole failed (Git unreachable, commit missing), the reason.
/// </summary>
public sealed record ResolvedSync(IReadOnlyList<FileSync> Files, IReadOnlyList<SyncReport> Invalid, string? Error);

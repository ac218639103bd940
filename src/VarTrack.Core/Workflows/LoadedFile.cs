using VarTrack.Core.Sync;

namespace VarTrack.Core.Workflows;

/// <summary>
/// A file's sync job with secrets resolved (kept in memory only), the same values with secret references unresolved
/// (what a baseline records; null when the caller rendered the job itself) and the commit history to order commits.
/// </summary>
public sealed record LoadedFile(SyncJob Job, IReadOnlyDictionary<string, string?>? References, ICommitHistory? History);

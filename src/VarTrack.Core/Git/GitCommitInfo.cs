namespace VarTrack.Core.Git;

/// <summary>A commit present in the local clone: its full id and committer time.</summary>
public sealed record GitCommitInfo(string Sha, DateTimeOffset Time);

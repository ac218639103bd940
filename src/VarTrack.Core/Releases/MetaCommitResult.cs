namespace VarTrack.Core.Releases;

/// <summary>A change that landed: the commit pushed, what it wrote, and how many push attempts it took.</summary>
public sealed record MetaCommitResult(string Commit, MetaChange Change, int Attempts);

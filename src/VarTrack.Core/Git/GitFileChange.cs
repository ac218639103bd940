namespace VarTrack.Core.Git;

/// <summary>One changed file between two commits (a rename is a delete of the old path and an add of the new one).</summary>
public sealed record GitFileChange(string Path, GitChangeKind Kind);

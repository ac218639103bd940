namespace VarTrack.Core.Git;

/// <summary>A repository by its platform name (<c>owner/name</c>, what rule globs match) and the URL it is cloned from.</summary>
public sealed record GitRemote(string Repository, string CloneUrl);

namespace VarTrack.Cli;

/// <summary>The body of <c>POST /api/syncs</c>: one commit of one repository, optionally only some of its paths.</summary>
internal sealed record SyncSubmission(string Repository, string Ref, string Commit)
{
    /// <summary>Repository-relative paths with '/' separators; null: every tracked file that changed.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    public string? CloneUrl { get; init; }
}

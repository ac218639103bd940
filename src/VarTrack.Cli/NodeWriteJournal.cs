namespace VarTrack.Cli;

/// <summary>
/// What <see cref="NodeFileWriter"/> is in the middle of, kept in <c>&lt;root&gt;/.vt-node-journal</c> (owner-only,
/// replaced atomically) so that a run killed half way is finished or rolled back by the next one. Paths only, never
/// contents. <see cref="Phase"/>: <c>staging</c> (no destination touched yet), <c>commit</c> (renames under way:
/// finish them), <c>rollback</c> (restoring: go on restoring).
/// </summary>
internal sealed record NodeWriteJournal(string Phase, IReadOnlyList<NodeWriteJournal.Entry> Entries, IReadOnlyList<string> CreatedFolders)
{
    public const string Staging = "staging";
    public const string Commit = "commit";
    public const string Rollback = "rollback";

    /// <summary>One file: where it is staged, the backup of what the destination held (null: none), the destination, and the link target the destination was (null: not a link).</summary>
    public sealed record Entry(string Staged, string? Backup, string Destination, string? LinkTarget);
}

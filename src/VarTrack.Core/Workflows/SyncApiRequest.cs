using System.Text.RegularExpressions;
using VarTrack.Core.Config;

namespace VarTrack.Core.Workflows;

/// <summary>
/// The body of <c>POST /api/syncs</c> (<c>vt sync --server</c> sends it, the hosts check it): which commit of which
/// repository, optionally only some files.
/// </summary>
public sealed partial record SyncApiRequest(string? Repository, string? Ref, string? Commit)
{
    public IReadOnlyList<string>? Files { get; init; }

    public string? CloneUrl { get; init; }

    /// <summary>What is wrong with the request, naming the field; null when it is usable.</summary>
    public string? Problem(GitSettings git)
    {
        if (string.IsNullOrWhiteSpace(Repository)) return "'repository' is missing (owner/name)";
        if (string.IsNullOrWhiteSpace(Ref)) return "'ref' is missing (e.g. refs/heads/main)";
        if (Commit is null || !CommitShape().IsMatch(Commit)) return "'commit' must be a commit id of 7 to 40 hex digits";
        if (Files is not null && Files.Any(f => string.IsNullOrWhiteSpace(f) || f.StartsWith('/') || f.Split('/').Contains("..")))
            return "'files' must list paths relative to the repository root";
        if (CloneUrl is null && git.CloneUrl is null) return "'clone_url' is missing and no git.clone_url is configured";
        return null;
    }

    public SyncRequest ToSyncRequest(GitSettings git, DateTimeOffset now) =>
        new(SyncIds.For(Repository!, Ref!, Commit!.ToLowerInvariant()), Repository!, CloneUrl ?? git.CloneUrl!.Replace("{repository}", Repository, StringComparison.Ordinal), Ref!, Commit.ToLowerInvariant())
        {
            Files = Files,
            Trigger = "api",
            RequestedAt = now,
        };

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex CommitShape();
}

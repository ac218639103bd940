using VarTrack.Core.Git;

namespace VarTrack.Core.Workflows;

/// <summary>
/// What a sync is asked to do: apply one commit of one repository (a verified webhook, the API, the CLI). It carries
/// references only (repository, ref, commit, paths), never file contents or secret values, so it may be stored in
/// workflow history and queues.
/// </summary>
public sealed record SyncRequest(string SyncId, string Repository, string CloneUrl, string Ref, string Commit)
{
    /// <summary>github, gitlab, gitea, bitbucket; null for API requests (then rules of any platform match).</summary>
    public string? Platform { get; init; }

    /// <summary>Files changed by the push, from the payload; null: diff against the commit last applied.</summary>
    public IReadOnlyList<GitFileChange>? ChangedFiles { get; init; }

    /// <summary>Restricts the sync to these repository paths (API requests); null: every tracked file that changed.</summary>
    public IReadOnlyList<string>? Files { get; init; }

    /// <summary>webhook, api or heal: shown in status.</summary>
    public string Trigger { get; init; } = "webhook";

    public DateTimeOffset RequestedAt { get; init; }
}

using VarTrack.Core.Git;

namespace VarTrack.Core.Webhooks;

/// <summary>One commit of one ref a verified delivery asks to sync (a push of several refs gives several).</summary>
internal sealed record WebhookCommit(string Repository, string CloneUrl, string Ref, string Commit, IReadOnlyList<GitFileChange>? ChangedFiles)
{
    /// <summary>The ref's commit before the push (all zeros for a new ref); null when the payload does not say.</summary>
    public string? Before { get; init; }
}

using VarTrack.Core.Git;

namespace VarTrack.Core.Webhooks;

/// <summary>One commit of one ref a verified delivery asks to sync (a push of several refs gives several).</summary>
internal sealed record WebhookCommit(string Repository, string CloneUrl, string Ref, string Commit, IReadOnlyList<GitFileChange>? ChangedFiles);

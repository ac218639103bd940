namespace VarTrack.Core.Webhooks;

/// <summary>One pushed commit of a verified, first-time webhook delivery, as push listeners see it.</summary>
public sealed record PushNotice(string Platform, string DeliveryId, string Repository, string CloneUrl, string Ref, string Commit)
{
    /// <summary>The ref's commit before the push as the webhook gave it (all zeros for a new ref); null when unknown.</summary>
    public string? Before { get; init; }
}

namespace VarTrack.Core.Releases;

/// <summary>
/// State document <c>meta/pushes/&lt;commit&gt;</c>: a push to the meta branch not yet turned into notifications.
/// <see cref="Attempts"/> counts failed tries (the commit could not be read); the next try is not before
/// <see cref="NextAttemptAt"/>.
/// </summary>
public sealed record MetaPendingPush(string Commit, string DeliveryId, DateTimeOffset ReceivedAt)
{
    /// <summary>The branch's commit before the push, from the webhook (all zeros: the branch is new); null when unknown.</summary>
    public string? Before { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public string? LastError { get; init; }
}

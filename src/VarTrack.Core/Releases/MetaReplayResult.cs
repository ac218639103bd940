namespace VarTrack.Core.Releases;

/// <summary>The outcome of replaying one delivery id; <see cref="Subscriber"/> is null when it was not found.</summary>
public sealed record MetaReplayResult(string DeliveryId, MetaReplayOutcome Outcome)
{
    public string? Subscriber { get; init; }
}

namespace VarTrack.Connectors.AzureStorage;

/// <summary>Timing of <see cref="BlobLeaseDestinationLocks"/>.</summary>
public sealed record BlobLeaseOptions
{
    /// <summary>
    /// How long a lease lasts without renewal (Azure allows 15 to 60 seconds): also how long a crashed holder blocks
    /// others.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a held lease is renewed; null means a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan? RenewInterval { get; init; }

    /// <summary>The longest pause between two attempts to take a lease someone else holds.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    internal TimeSpan EffectiveRenewInterval => RenewInterval ?? LeaseDuration / 3;
}

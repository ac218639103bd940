namespace VarTrack.Server;

/// <summary>A sync was refused by the per-repository limit; answered with 429 and Retry-After.</summary>
public sealed class RateLimitedException(string repository, TimeSpan retryAfter)
    : Exception($"too many syncs for repository '{repository}'; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

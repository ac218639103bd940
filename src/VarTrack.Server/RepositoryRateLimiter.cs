using System.Threading.RateLimiting;

namespace VarTrack.Server;

/// <summary>
/// Syncs started per repository per minute (a fixed window per repository name). The repository is only known once
/// the payload is verified, so this limit applies where syncs are started rather than in the request pipeline.
/// </summary>
public sealed class RepositoryRateLimiter(int perMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(repository =>
        RateLimitPartition.GetFixedWindowLimiter(repository, _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    /// <summary>Null when admitted; otherwise how long to wait.</summary>
    public TimeSpan? TryAdmit(string repository)
    {
        using var lease = _limiter.AttemptAcquire(repository);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}

using Azure;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// A held destination lock: a lease on one lock blob, renewed in the background until disposed. If renewal fails for
/// good (someone broke the lease, or renewals kept failing until the lease may have expired) the lease is lost:
/// <see cref="IsLost"/> turns true, <see cref="Lost"/> is cancelled and a warning is logged. The sync that holds it is
/// not interrupted (a half-applied change set is worse than an overlap that the sinks' conditional writes detect);
/// callers that can stop early watch <see cref="Lost"/>. Disposing releases the lease, and never throws: a release
/// that fails leaves the lease to expire by itself within <see cref="BlobLeaseOptions.LeaseDuration"/>.
/// </summary>
public sealed class BlobLease : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly BlobLeaseOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewal;
    private int _disposed;

    internal BlobLease(string key, string blob, BlobLeaseClient lease, BlobLeaseOptions options, ILogger logger, TimeProvider time)
    {
        Key = key;
        Blob = blob;
        _lease = lease;
        _options = options;
        _logger = logger;
        _renewal = RenewUntilStoppedAsync(time);
    }

    /// <summary>The destination lock key.</summary>
    public string Key { get; }

    /// <summary>The lock blob (container/name).</summary>
    public string Blob { get; }

    public string LeaseId => _lease.LeaseId;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Cancelled when the lease is lost while held.</summary>
    public CancellationToken Lost => _lost.Token;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await StopRenewingAsync();
        if (!IsLost)
        {
            try
            {
                await _lease.ReleaseAsync();
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or OperationCanceledException)
            {
                _logger.LogWarning("could not release the lease on lock blob {Blob} for {Key} ({Reason}); it expires by itself within {Duration}",
                    Blob, Key, BlobStorageFailure.Reason(_lease.Uri, ex), _options.LeaseDuration);
            }
        }
        _stop.Dispose(); // _lost stays usable: callers may still look at Lost after disposing
    }

    /// <summary>For tests: stop renewing without releasing, as a crashed process would.</summary>
    internal Task AbandonAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return StopRenewingAsync();
    }

    private async Task StopRenewingAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
    }

    private async Task RenewUntilStoppedAsync(TimeProvider time)
    {
        var interval = _options.EffectiveRenewInterval;
        var lastRenewed = time.GetTimestamp();
        while (true)
        {
            try
            {
                await Task.Delay(interval, time, _stop.Token);
                await _lease.RenewAsync(cancellationToken: _stop.Token);
                lastRenewed = time.GetTimestamp();
                interval = _options.EffectiveRenewInterval;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another lease id holds the blob, or the blob is gone: this lease will not come back.
                await MarkLostAsync(BlobStorageFailure.Reason(_lease.Uri, ex));
                return;
            }
            catch (Exception ex)
            {
                // Transient (network, 5xx): keep trying more often while the lease may still be ours.
                if (time.GetElapsedTime(lastRenewed) >= _options.LeaseDuration)
                {
                    await MarkLostAsync($"no renewal succeeded for {_options.LeaseDuration.TotalSeconds:0} s ({BlobStorageFailure.Reason(_lease.Uri, ex)})");
                    return;
                }
                interval = TimeSpan.FromTicks(Math.Max(interval.Ticks / 2, TimeSpan.FromMilliseconds(200).Ticks));
            }
        }
    }

    private async Task MarkLostAsync(string reason)
    {
        _logger.LogWarning("lost the lease on lock blob {Blob} for {Key}: {Reason}; another writer may now hold this destination", Blob, Key, reason);
        await _lost.CancelAsync();
    }
}

using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.Errors;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Destination locks shared by several instances (Functions scale-out, several servers): one lock blob per key in a
/// container (default <c>vartrack-locks</c>, created if missing), named by the SHA-256 of the key in lowercase hex and
/// holding the key text for operators. Acquiring takes a blob lease, retrying with jittered exponential backoff while
/// another holder has it, until the caller's token is cancelled. The result is a <see cref="BlobLease"/>: renewed in
/// the background, released on dispose; a crashed holder's lease expires after <see cref="BlobLeaseOptions.LeaseDuration"/>.
/// </summary>
public sealed class BlobLeaseDestinationLocks : IDestinationLocks
{
    public const string DefaultContainer = "vartrack-locks";

    private readonly BlobContainerClient _container;
    private readonly BlobLeaseOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _containerReady;

    public BlobLeaseDestinationLocks(BlobContainerClient container, BlobLeaseOptions? options = null, ILogger<BlobLeaseDestinationLocks>? logger = null, TimeProvider? time = null)
    {
        _options = options ?? new BlobLeaseOptions();
        if (_options.LeaseDuration < TimeSpan.FromSeconds(15) || _options.LeaseDuration > TimeSpan.FromSeconds(60))
            throw new ArgumentOutOfRangeException(nameof(options), "Azure leases last 15 to 60 seconds.");
        if (_options.EffectiveRenewInterval <= TimeSpan.Zero || _options.EffectiveRenewInterval >= _options.LeaseDuration)
            throw new ArgumentOutOfRangeException(nameof(options), "The renew interval must be shorter than the lease.");
        _container = container;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Locks in <paramref name="container"/> of the account a connection string names.</summary>
    public static BlobLeaseDestinationLocks Create(string connection, string container = DefaultContainer, BlobLeaseOptions? options = null,
        ILogger<BlobLeaseDestinationLocks>? logger = null)
    {
        if (AzureBlobSinkFactory.ContainerNameProblem(container) is { } problem)
            throw new VarTrackException(new Problem($"lock container '{container}' is not a valid container name: {problem}"));
        var service = AzureBlobSinkFactory.ServiceClient(connection, "destination locks");
        return new BlobLeaseDestinationLocks(service.GetBlobContainerClient(container), options, logger);
    }

    /// <summary>The lock blob's name for a key: SHA-256 of its UTF-8 bytes, lowercase hex (any key, fixed length).</summary>
    public static string BlobNameFor(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken = default) =>
        await AcquireLeaseAsync(key, cancellationToken);

    /// <summary>As <see cref="AcquireAsync"/>, typed, for callers that watch <see cref="BlobLease.Lost"/>.</summary>
    public async Task<BlobLease> AcquireLeaseAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobNameFor(key));
        var where = $"lock blob '{_container.Name}/{blob.Name}' for '{key}'";
        var delay = TimeSpan.FromMilliseconds(100);
        var creations = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
            try
            {
                await lease.AcquireAsync(_options.LeaseDuration, cancellationToken: cancellationToken);
                return new BlobLease(key, $"{_container.Name}/{blob.Name}", lease, _options, _logger, _time);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.LeaseAlreadyPresent.ToString())
            {
                // Held by someone else: wait and try again below.
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && creations++ < 3)
            {
                if (ex.ErrorCode == BlobErrorCode.ContainerNotFound.ToString()) Volatile.Write(ref _containerReady, 0);
                await CreateLockBlobAsync(blob, key, where, cancellationToken);
                continue;
            }
            catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
            {
                throw BlobStorageFailure.Describe(where, _container.GetParentBlobServiceClient().Uri, ex);
            }

            // Jitter spreads out waiters so they do not all retry the moment a lease is released.
            var jittered = delay * (0.5 + Random.Shared.NextDouble());
            await Task.Delay(jittered, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }

    private async Task CreateLockBlobAsync(BlobClient blob, string key, string where, CancellationToken cancellationToken)
    {
        try
        {
            if (Volatile.Read(ref _containerReady) == 0)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                Volatile.Write(ref _containerReady, 1);
            }
            await blob.UploadAsync(BinaryData.FromString(key), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another instance created it first (or holds a lease on it already): fine, go and lease it.
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw BlobStorageFailure.Describe(where, _container.GetParentBlobServiceClient().Uri, ex);
        }
    }
}

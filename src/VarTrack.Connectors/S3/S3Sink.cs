using Amazon.S3;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>
/// The S3 sink: one client per sink, the layout chosen by <c>mode</c> (see <see cref="S3ObjectMode"/> and
/// <see cref="S3PerKeyMode"/>). Client failures become <see cref="S3SinkException"/>s naming bucket and destination;
/// a corrupt stored document or record stays a VarTrackException.
/// </summary>
public sealed class S3Sink : ISink, IAsyncDisposable
{
    private readonly IAmazonS3 _client;
    private readonly S3Bucket _bucket;
    private readonly S3StorageMode _mode;

    internal S3Sink(IAmazonS3 client, string bucket, S3StorageMode mode)
    {
        _client = client;
        _bucket = new S3Bucket(client, bucket);
        _mode = mode;
    }

    public Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(target, "reading", () => _mode.ReadAsync(_bucket, target, cancellationToken), cancellationToken);

    public Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default) =>
        RunAsync(target, "writing", async () =>
        {
            await _mode.ApplyAsync(_bucket, target, changes, provenance, cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<T> RunAsync<T>(SinkTarget target, string action, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (target.Destination.Length == 0 || target.Destination.EndsWith('/') || target.Destination.StartsWith('/'))
            throw new S3SinkException($"{action} s3 destination '{target.Destination}' in bucket '{_bucket.Name}' failed: " +
                                      "the destination must be an object key (or key prefix) that is not empty and neither starts nor ends with '/'");
        try
        {
            return await work();
        }
        catch (Exception ex) when (S3Failure.IsStore(ex, cancellationToken))
        {
            throw S3Failure.Describe(ex, action, _bucket.Name, target.Destination);
        }
    }
}

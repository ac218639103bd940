using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using VarTrack.Core.Errors;
using VarTrack.Core.Planning;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Writes a destination as one blob holding the whole flat map as JSON (<see cref="FlatJson"/>, indented, keys sorted,
/// <c>application/json</c>), with the provenance records of every owner in a sidecar blob
/// <c>&lt;destination&gt;.vartrack.json</c> (owner -> record). Each write is conditional on the ETag read just before
/// (If-None-Match * for a blob that did not exist), so a hand edit between read and write fails the sync instead of
/// being overwritten. The data blob is written first, then the sidecar. The container is created on the first write
/// if it is missing; a destination left with no keys and no records is deleted (both blobs).
/// </summary>
public sealed class AzureBlobSink : ISink
{
    /// <summary>Appended to the destination to name the blob that holds provenance records.</summary>
    public const string ProvenanceSuffix = ".vartrack.json";

    private const int MaxBlobNameLength = 1024;

    private readonly BlobContainerClient _container;

    public AzureBlobSink(BlobContainerClient container) => _container = container;

    public string ContainerName => _container.Name;

    public async Task<Snapshot> ReadAsync(SinkTarget target, CancellationToken cancellationToken = default)
    {
        var blobName = BlobNameOf(target.Destination);
        var state = await GuardAsync(blobName, () => ReadStateAsync(blobName, cancellationToken), cancellationToken);
        return new Snapshot(state.Values, state.Records.GetValueOrDefault(target.Owner));
    }

    public async Task ApplyAsync(SinkTarget target, ChangeSet changes, Provenance? provenance, CancellationToken cancellationToken = default)
    {
        var blobName = BlobNameOf(target.Destination);
        await GuardAsync(blobName, async () =>
        {
            var state = await ReadStateAsync(blobName, cancellationToken);
            var values = FlatJson.Apply(state.Values, changes);
            var records = new Dictionary<string, Provenance>(state.Records, StringComparer.Ordinal);
            if (provenance is null) records.Remove(target.Owner);
            else records[target.Owner] = provenance;

            if (values.Count == 0 && records.Count == 0)
            {
                await DeleteAsync(blobName, state.DataETag, cancellationToken);
                await DeleteAsync(blobName + ProvenanceSuffix, state.RecordsETag, cancellationToken);
                return true;
            }
            var data = FlatJson.Serialize(values, indented: true);
            if (state.DataETag is null || !data.AsSpan().SequenceEqual(state.RawData))
                await WriteAsync(blobName, data, state.DataETag, cancellationToken);
            await WriteAsync(blobName + ProvenanceSuffix, ProvenanceJson.SerializeSet(records), state.RecordsETag, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>The blob name a destination maps to; refuses names Azure cannot hold.</summary>
    public static string BlobNameOf(string destination)
    {
        if (destination.Length == 0) throw Invalid(destination, "the blob name is empty");
        if (destination.Length + ProvenanceSuffix.Length > MaxBlobNameLength)
            throw Invalid(destination, $"the blob name is longer than {MaxBlobNameLength - ProvenanceSuffix.Length} characters (Azure allows {MaxBlobNameLength}, and '{ProvenanceSuffix}' is appended for provenance)");
        // Azure treats a trailing '/' or '.' as a different (or no) blob name.
        if (destination.EndsWith('/') || destination.EndsWith('.')) throw Invalid(destination, "a blob name must not end with '/' or '.'");
        return destination;
    }

    private static VarTrackException Invalid(string destination, string reason) => new(new Problem($"destination '{destination}' is not a valid blob name: {reason}"));

    private async Task<State> ReadStateAsync(string blobName, CancellationToken cancellationToken)
    {
        var where = $"blob '{_container.Name}/{blobName}'";
        var data = await DownloadAsync(blobName, cancellationToken);
        var records = await DownloadAsync(blobName + ProvenanceSuffix, cancellationToken);
        return new State(
            data is null ? new Dictionary<string, Core.Etl.FlatValue>(StringComparer.Ordinal) : FlatJson.Parse(data.Value.Bytes, where),
            data?.Bytes ?? [],
            data?.ETag,
            records is null ? new Dictionary<string, Provenance>(StringComparer.Ordinal) : ProvenanceJson.ParseSet(records.Value.Bytes, $"blob '{_container.Name}/{blobName}{ProvenanceSuffix}'"),
            records?.ETag);
    }

    private async Task<(byte[] Bytes, ETag ETag)?> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return (result.Value.Content.ToArray(), result.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // no blob, or no container yet: the destination reads as empty
        }
    }

    private async Task WriteAsync(string blobName, byte[] content, ETag? readETag, CancellationToken cancellationToken)
    {
        var conditions = readETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await BlobUpload.CreatingContainerAsync(_container, blobName, content, "application/json", conditions, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConcurrentChange(ex) || (ex.Status == 404 && readETag is not null))
        {
            // A 404 under If-Match: the blob (or its container) was deleted since it was read.
            throw ChangedConcurrently(blobName);
        }
    }

    private async Task DeleteAsync(string blobName, ETag? readETag, CancellationToken cancellationToken)
    {
        if (readETag is not { } etag) return;
        try
        {
            await _container.GetBlobClient(blobName).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = etag }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: the state we wanted.
        }
        catch (RequestFailedException ex) when (IsConcurrentChange(ex))
        {
            throw ChangedConcurrently(blobName);
        }
    }

    // 412: the ETag no longer matches; 409 BlobAlreadyExists: If-None-Match * lost a race with another creator.
    private static bool IsConcurrentChange(RequestFailedException ex) =>
        ex.Status == 412 || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString());

    // The data blob is always written first: a conflict there means this apply wrote nothing.
    private DestinationChangedException ChangedConcurrently(string blobName) =>
        new($"blob '{_container.Name}/{blobName}' changed concurrently (its ETag no longer matches the one read before writing); sync again",
            nothingWritten: !blobName.EndsWith(ProvenanceSuffix, StringComparison.Ordinal));

    private async Task<T> GuardAsync<T>(string blobName, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not VarTrackException && BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw BlobStorageFailure.Describe($"blob '{_container.Name}/{blobName}'", _container.GetParentBlobServiceClient().Uri, ex);
        }
    }

    private sealed record State(
        IReadOnlyDictionary<string, Core.Etl.FlatValue> Values,
        byte[] RawData,
        ETag? DataETag,
        IReadOnlyDictionary<string, Provenance> Records,
        ETag? RecordsETag);
}

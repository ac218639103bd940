using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using VarTrack.Core.Errors;
using VarTrack.Core.Replication;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Vault replication's sync info in one Blob container (default <c>vartrack-vault-sync</c>, created on the first write
/// if missing; until then everything reads as absent): <c>&lt;owner&gt;/index.json</c> and
/// <c>&lt;owner&gt;/generations/&lt;generation&gt;/bucket-&lt;nnnn&gt;.json</c>, block blobs holding the bytes Core gives
/// (<c>application/json</c>). The tag of an index is its blob's ETag, and the index is published with
/// <c>If-Match</c> (or <c>If-None-Match: *</c> for the first one), which the service grants to exactly one of several
/// writers holding the same tag. Failures of the service or the network become a <see cref="SyncInfoStoreException"/>
/// naming the container, the blob and the reason, never the connection string (access denied for 401/403).
/// </summary>
public sealed class BlobSyncInfoStore : ISyncInfoStore
{
    public const string DefaultContainer = SyncInfoSettings.DefaultContainer;

    /// <summary>Deletes of one generation's buckets in flight at once (Azure.Storage.Blobs.Batch is not in the package mirror).</summary>
    private const int DeleteConcurrency = 8;

    private const string ContentType = "application/json";

    private readonly BlobContainerClient _container;
    private readonly Uri _account;

    public BlobSyncInfoStore(BlobContainerClient container)
    {
        _container = container;
        _account = container.GetParentBlobServiceClient().Uri;
        Description = $"azure blob container {container.Name} at {_account.GetLeftPart(UriPartial.Path).TrimEnd('/')}";
    }

    /// <summary>A store in <paramref name="container"/> of the account an Azure Storage connection string names.</summary>
    public static BlobSyncInfoStore Create(string connectionString, string container = DefaultContainer)
    {
        if (AzureBlobSinkFactory.ContainerNameProblem(container) is { } problem)
            throw new VarTrackException(new Problem($"sync info container '{container}' is not a valid container name: {problem}"));
        var service = AzureBlobSinkFactory.ServiceClient(connectionString, "sync info store");
        return new BlobSyncInfoStore(service.GetBlobContainerClient(container));
    }

    /// <summary><c>azure blob container &lt;name&gt; at &lt;account endpoint&gt;</c>; the endpoint has no query string, so no SAS.</summary>
    public string Description { get; }

    public string ContainerName => _container.Name;

    /// <summary>The blob name of an owner's index: <c>&lt;owner&gt;/index.json</c>.</summary>
    public static string IndexBlobName(string owner) => SyncInfoLayout.RequireValidName(owner, "owner") + "/" + SyncInfoLayout.IndexName;

    /// <summary>The blob name of a bucket: <c>&lt;owner&gt;/generations/&lt;generation&gt;/bucket-&lt;nnnn&gt;.json</c>.</summary>
    public static string BucketBlobName(string owner, string generation, int bucket) =>
        GenerationPrefix(owner, generation) + SyncInfoLayout.BucketName(bucket);

    public async Task<VersionedDocument?> ReadIndexAsync(string owner, CancellationToken cancellationToken = default)
    {
        var name = IndexBlobName(owner);
        try
        {
            // One download gives the content and the ETag of that same content.
            var result = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return new VersionedDocument(result.Value.Content.ToArray(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // no index, or no container yet
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot read the sync info index {Where(name)}", ex);
        }
    }

    public async Task<string> WriteIndexAsync(string owner, ReadOnlyMemory<byte> data, string? expectedTag, CancellationToken cancellationToken = default)
    {
        var name = IndexBlobName(owner);
        var conditions = expectedTag is null
            ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : new BlobRequestConditions { IfMatch = new ETag(expectedTag) };
        try
        {
            var info = await BlobUpload.CreatingContainerAsync(_container, name, data, ContentType, conditions, cancellationToken);
            return info.ETag.ToString();
        }
        catch (RequestFailedException ex) when (IsConflict(ex, expectedTag))
        {
            throw new SyncInfoConflictException(owner, Description);
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot publish the sync info index {Where(name)}", ex);
        }
    }

    public async Task<byte[]?> ReadBucketAsync(string owner, string generation, int bucket, CancellationToken cancellationToken = default)
    {
        var name = BucketBlobName(owner, generation, bucket);
        try
        {
            var result = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot read the sync info bucket {Where(name)}", ex);
        }
    }

    public async Task WriteBucketAsync(string owner, string generation, int bucket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var name = BucketBlobName(owner, generation, bucket);
        try
        {
            // A plain overwrite, not create-only: no published index names this generation yet, so no reader can see
            // the bucket change, and an activity retried after a crash must be able to write its buckets again (a
            // create-only write would fail the retry on the buckets its first attempt already wrote).
            await BlobUpload.CreatingContainerAsync(_container, name, data, ContentType, conditions: null, cancellationToken);
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot write the sync info bucket {Where(name)}", ex);
        }
    }

    public async Task<IReadOnlyList<string>> ListGenerationsAsync(string owner, CancellationToken cancellationToken = default)
    {
        var prefix = GenerationsPrefix(owner);
        var generations = new List<string>();
        try
        {
            // By hierarchy: the service answers one "<owner>/generations/<generation>/" prefix per generation, one
            // request per page of generations, however many buckets each holds.
            var options = new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" };
            await foreach (var item in _container.GetBlobsByHierarchyAsync(options, cancellationToken))
            {
                if (!item.IsPrefix) continue; // a stray blob directly under generations/ is no generation
                var generation = item.Prefix[prefix.Length..].TrimEnd('/');
                if (SyncInfoLayout.IsValidName(generation)) generations.Add(generation); // folders someone else made are not ours
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // no container yet
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot list the sync info generations under {Where(prefix)}", ex);
        }
        return generations;
    }

    public async Task DeleteGenerationAsync(string owner, string generation, CancellationToken cancellationToken = default)
    {
        var prefix = GenerationPrefix(owner, generation);
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
                names.Add(item.Name);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return; // no container: nothing to delete
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot list the sync info blobs under {Where(prefix)}", ex);
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(names, options, async (name, token) => await DeleteBlobAsync(name, token));
    }

    public Task DeleteIndexAsync(string owner, CancellationToken cancellationToken = default) =>
        DeleteBlobAsync(IndexBlobName(owner), cancellationToken);

    private async Task DeleteBlobAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _container.GetBlobClient(name).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone (or no container): the state we wanted.
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure($"cannot delete the sync info blob {Where(name)}", ex);
        }
    }

    // 412 ConditionNotMet: the ETag no longer matches (or If-None-Match * lost a race); 409 BlobAlreadyExists:
    // If-None-Match * on an existing index. With an expected tag, a 404 means the index (or its whole container) was
    // deleted since it was read: that is another writer's change too. Other 412s (a lease someone holds on the index)
    // are failures to report, not a publish that lost.
    private static bool IsConflict(RequestFailedException ex, string? expectedTag) =>
        (ex.Status == 412 && ex.ErrorCode == BlobErrorCode.ConditionNotMet.ToString())
        || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString())
        || (ex.Status == 404 && expectedTag is not null);

    private static string GenerationsPrefix(string owner) =>
        SyncInfoLayout.RequireValidName(owner, "owner") + "/" + SyncInfoLayout.GenerationsFolder + "/";

    private static string GenerationPrefix(string owner, string generation) =>
        GenerationsPrefix(owner) + SyncInfoLayout.RequireValidName(generation, "generation") + "/";

    /// <summary><c>'container/blob'</c> for messages.</summary>
    private string Where(string blob) => $"'{_container.Name}/{blob}'";

    private SyncInfoStoreException Failure(string what, Exception ex) =>
        new($"{what}: {BlobStorageFailure.Reason(_account, ex)}", BlobStorageFailure.IsAccessDenied(ex), ex);
}

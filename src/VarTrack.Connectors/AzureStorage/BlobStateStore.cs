using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using VarTrack.Core.Errors;
using VarTrack.Core.State;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// State shared by several instances: one block blob per key in a container (default <c>vartrack-state</c>), the blob
/// name being the key itself, content the document's bytes (<c>application/octet-stream</c>). The container is created
/// on the first write if it is missing; until then every key reads as absent. A block blob upload replaces the blob in
/// one commit, so readers see the old or the new document. <see cref="TryCreateAsync"/> uploads with
/// <c>If-None-Match: *</c>, which the service grants to exactly one of several creators. Failures of the service or the
/// network become a <see cref="VarTrackException"/> naming the container, the key and the reason, never the
/// connection string.
/// </summary>
public sealed class BlobStateStore : IStateStore
{
    public const string DefaultContainer = "vartrack-state";

    private const int MaxBlobNameLength = 1024;
    private const string ContentType = "application/octet-stream";

    private readonly BlobContainerClient _container;

    public BlobStateStore(BlobContainerClient container) => _container = container;

    /// <summary>A store in <paramref name="container"/> of the account an Azure Storage connection string names.</summary>
    public static BlobStateStore Create(string connection, string container = DefaultContainer)
    {
        if (AzureBlobSinkFactory.ContainerNameProblem(container) is { } problem)
            throw new VarTrackException(new Problem($"state container '{container}' is not a valid container name: {problem}"));
        var service = AzureBlobSinkFactory.ServiceClient(connection, "state store");
        return new BlobStateStore(service.GetBlobContainerClient(container));
    }

    public string ContainerName => _container.Name;

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobNameOf(key));
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // no blob, or no container yet
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure(key, "read", ex);
        }
    }

    public async Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        try
        {
            await BlobUpload.CreatingContainerAsync(_container, BlobNameOf(key), data, ContentType, conditions: null, cancellationToken);
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure(key, "write", ex);
        }
    }

    public async Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        try
        {
            await BlobUpload.CreatingContainerAsync(_container, BlobNameOf(key), data, ContentType, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (Exists(ex))
        {
            return false;
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure(key, "create", ex);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(BlobNameOf(key));
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone (or no container): the state we wanted.
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Failure(key, "delete", ex);
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        (await ListEntriesAsync(prefix, cancellationToken)).Select(e => e.Key).ToList();

    /// <summary>The keys with each blob's Last-Modified (whole seconds), from the same listing.</summary>
    public async Task<IReadOnlyList<StateEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        // "" lists every key; anything else must be a valid key, and only whole segments below it match.
        if (prefix.Length > 0) BlobNameOf(prefix);
        var keys = new List<StateEntry>();
        try
        {
            var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix + "/" };
            await foreach (var item in _container.GetBlobsAsync(options, cancellationToken))
                if (StateKey.IsValid(item.Name)) keys.Add(new StateEntry(item.Name, item.Properties.LastModified)); // blobs someone else put here are not state
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // no container yet
        }
        catch (Exception ex) when (BlobStorageFailure.IsStorageFailure(ex, cancellationToken))
        {
            throw Unavailable($"cannot list state blobs under '{_container.Name}/{prefix}'", ex);
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return keys;
    }

    // 409 BlobAlreadyExists: If-None-Match * on an existing blob; 412: the same condition lost a race (or a lease is held on it).
    private static bool Exists(RequestFailedException ex) =>
        ex.Status == 412 || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists.ToString());

    private static string BlobNameOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!StateKey.IsValid(key))
            throw new ArgumentException($"'{key}' is not a valid state key: use '/'-separated segments of letters, digits, '_', '-' and '.' (not '.' or '..'), as StateKey.Of builds them", nameof(key));
        // Azure drops a trailing '.' from blob names; StateKey.Of never ends a segment with one.
        if (key.EndsWith('.')) throw new ArgumentException($"'{key}' is not a valid state key for Azure Blob storage: it ends with '.'", nameof(key));
        if (key.Length > MaxBlobNameLength) throw new ArgumentException($"state key '{key}' is longer than the {MaxBlobNameLength} characters Azure allows in a blob name", nameof(key));
        return key;
    }

    private StateStoreUnavailableException Failure(string key, string action, Exception ex) =>
        Unavailable($"cannot {action} state blob '{_container.Name}/{key}'", ex);

    private StateStoreUnavailableException Unavailable(string where, Exception ex) =>
        new(new Problem($"{where}: {BlobStorageFailure.Reason(_container.GetParentBlobServiceClient().Uri, ex)}")) { IsAccessDenied = BlobStorageFailure.IsAccessDenied(ex) };
}

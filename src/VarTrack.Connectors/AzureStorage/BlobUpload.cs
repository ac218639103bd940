using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Uploads a blob under optional conditions, creating its container on first use. Containers are created lazily
/// (a missing one is the normal state of a fresh account), and creating one is idempotent, so first writers racing
/// here are all fine: the conditions still let only one of them win. A write that requires an existing blob (If-Match)
/// never creates the container: a missing container then means the blob was deleted since it was read, and the 404
/// goes to the caller as that conflict.
/// </summary>
internal static class BlobUpload
{
    public static async Task<BlobContentInfo> CreatingContainerAsync(BlobContainerClient container, string blobName, ReadOnlyMemory<byte> data,
        string contentType, BlobRequestConditions? conditions, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(blobName);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType }, Conditions = conditions };
        try
        {
            return (await blob.UploadAsync(BinaryData.FromBytes(data), options, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (conditions?.IfMatch is null && ex.ErrorCode == BlobErrorCode.ContainerNotFound.ToString())
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return (await blob.UploadAsync(BinaryData.FromBytes(data), options, cancellationToken)).Value;
        }
    }
}

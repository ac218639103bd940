using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using VarTrack.Core.Sync;

namespace VarTrack.Connectors.S3;

/// <summary>The few S3 calls the sink modes need, against one bucket: get with ETag, conditional replace, list, batch delete.</summary>
internal sealed class S3Bucket(IAmazonS3 client, string name)
{
    /// <summary>Objects per DeleteObjects request: the S3 maximum.</summary>
    public const int DeleteBatchSize = 1000;

    /// <summary>Requests in flight at once for per-object reads and writes.</summary>
    public const int Parallelism = 16;

    public string Name => name;

    /// <summary>The object, or null when there is none (a missing bucket still throws).</summary>
    public async Task<S3StoredObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = name, Key = key }, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return new S3StoredObject(buffer.ToArray(), response.ETag);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
    }

    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken, string? ifMatch = null, bool ifAbsent = false)
    {
        using var body = new MemoryStream(content, writable: false);
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = name,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = contentType,
            IfMatch = ifMatch,
            IfNoneMatch = ifAbsent ? "*" : null,
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces <paramref name="key"/> with <paramref name="content"/> (deletes it for null) only if it still is the
    /// version read: ETag <paramref name="readETag"/>, or no object when that is null. The write carries If-Match /
    /// If-None-Match, which AWS S3 and MinIO enforce; servers that ignore them (s3rver) are covered by the ETag re-check
    /// just before, which leaves a window of one round trip there. <paramref name="firstWrite"/> says whether this
    /// apply has written nothing before, so a lost race leaves nothing to restore.
    /// </summary>
    public async Task ReplaceAsync(string key, byte[]? content, string contentType, string? readETag, bool firstWrite, CancellationToken cancellationToken)
    {
        if (await ETagAsync(key, cancellationToken) != readETag) throw Changed(key, firstWrite);
        try
        {
            if (content is not null)
                await PutAsync(key, content, contentType, cancellationToken, ifMatch: readETag, ifAbsent: readETag is null);
            else if (readETag is not null)
                await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = name, Key = key, IfMatch = readETag }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw Changed(key, firstWrite);
        }
    }

    /// <summary>Every object key under <paramref name="prefix"/>, following continuation tokens.</summary>
    public async Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name, Prefix = prefix, ContinuationToken = token }, cancellationToken);
            if (page.S3Objects is { } objects) keys.AddRange(objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (token is not null);
        return keys;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (var batch in keys.Chunk(DeleteBatchSize))
        {
            var response = await client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = name,
                Objects = batch.Select(key => new KeyVersion { Key = key }).ToList(),
                Quiet = true,
            }, cancellationToken);
            if (response.DeleteErrors is { Count: > 0 } errors)
                throw new S3StoreFailure($"{errors.Count} object(s) could not be deleted, first '{errors[0].Key}': {errors[0].Code} {errors[0].Message}".TrimEnd());
        }
    }

    private async Task<string?> ETagAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = name, Key = key }, cancellationToken)).ETag;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }

    private DestinationChangedException Changed(string key, bool firstWrite) =>
        new($"s3 object '{name}/{key}' changed after VarTrack read it (edited by hand or by another writer); it was not overwritten, run the sync again",
            nothingWritten: firstWrite);
}

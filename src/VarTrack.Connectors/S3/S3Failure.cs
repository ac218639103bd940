using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace VarTrack.Connectors.S3;

/// <summary>Turns SDK and transport failures into one-line messages naming bucket, destination and reason (no key secret).</summary>
internal static class S3Failure
{
    public static bool IsStore(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or S3StoreFailure or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static S3SinkException Describe(Exception ex, string action, string bucket, string destination)
    {
        var reason = ex switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => $"bucket '{bucket}' does not exist",
            AmazonS3Exception s3 when s3.StatusCode == HttpStatusCode.Forbidden
                                      || s3.ErrorCode is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" =>
                $"access to bucket '{bucket}' was refused ({s3.ErrorCode}); check access_key/secret_key or the permissions of the credentials",
            AmazonServiceException service => $"S3 answered {(int)service.StatusCode} {service.ErrorCode}: {service.Message}".TrimEnd(':', ' '),
            _ when Find<HttpRequestException>(ex) is { } http => $"cannot reach the S3 endpoint ({http.Message})",
            S3StoreFailure failure => failure.Message,
            AmazonClientException client => $"S3 client error: {client.Message}",
            OperationCanceledException or TimeoutException => "the S3 endpoint did not answer in time",
            _ => ex.Message,
        };
        return new S3SinkException($"{action} s3 destination '{destination}' in bucket '{bucket}' failed: {reason}", ex);
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
            if (current is T match) return match;
        return null;
    }
}

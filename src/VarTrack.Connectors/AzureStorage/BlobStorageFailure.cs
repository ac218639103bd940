using System.Net.Sockets;
using Azure;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.AzureStorage;

/// <summary>
/// Turns Azure SDK failures into one-line messages naming the blob and the reason. The SDK's own messages carry
/// response headers and retry boilerplate; only the status, error code and the network cause are kept, and the
/// endpoint is shown without its query string (a SAS token lives there).
/// </summary>
internal static class BlobStorageFailure
{
    /// <summary>True for failures of the storage service or the network, not for the caller's own cancellation.</summary>
    public static bool IsStorageFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is RequestFailedException or AggregateException or HttpRequestException or IOException or SocketException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static VarTrackException Describe(string where, Uri endpoint, Exception ex) => new(new Problem($"{where}: {Reason(endpoint, ex)}"));

    /// <summary>True when the service refused the credentials or the permission (401/403).</summary>
    public static bool IsAccessDenied(Exception ex) => Innermost(ex) is RequestFailedException { Status: 401 or 403 };

    public static string Reason(Uri endpoint, Exception ex)
    {
        var service = endpoint.GetLeftPart(UriPartial.Path);
        var failure = Innermost(ex);
        return failure switch
        {
            RequestFailedException { Status: 401 or 403 } r =>
                $"access refused by the storage account at {service} ({r.Status} {r.ErrorCode}); check the account key or SAS in 'connection'",
            RequestFailedException { Status: > 0 } r => $"storage answered {r.Status} {r.ErrorCode}".TrimEnd(),
            OperationCanceledException or TimeoutException => $"timed out talking to {service}",
            _ => $"cannot reach {service} ({NetworkCause.Of(failure)})",
        };
    }

    // The retry policy wraps the last attempt's failure in an AggregateException; status-0 RequestFailedExceptions wrap the socket error.
    private static Exception Innermost(Exception ex)
    {
        var current = ex;
        while (true)
        {
            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count > 0) current = aggregate.InnerExceptions[^1];
            else if (current is RequestFailedException { Status: 0, InnerException: { } inner }) current = inner;
            else return current;
        }
    }
}

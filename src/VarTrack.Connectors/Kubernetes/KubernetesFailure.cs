using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s.Autorest;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Kubernetes;

/// <summary>
/// Turns API server and network failures into one-line messages naming the object and the reason: the status code
/// and the <c>message</c> of the API's Status object (shortened), never the request, headers or kubeconfig.
/// </summary>
internal static class KubernetesFailure
{
    private const int MaxMessageLength = 300;

    public static bool IsApiFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpOperationException or HttpRequestException or IOException or SocketException or TimeoutException or k8s.Exceptions.KubernetesClientException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static bool HasStatus(Exception ex, HttpStatusCode status) => ex is HttpOperationException { Response.StatusCode: var code } && code == status;

    public static VarTrackException Describe(string where, Uri? server, Exception ex) => new(new Problem($"{where}: {Reason(server, ex)}"));

    private static string Reason(Uri? server, Exception ex)
    {
        var api = server is null ? "the API server" : $"the API server at {server.GetLeftPart(UriPartial.Authority)}";
        switch (ex)
        {
            case HttpOperationException { Response: { } response }:
                var code = (int)response.StatusCode;
                var message = StatusMessage(response.Content);
                return response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => $"{api} refused the credentials (401 Unauthorized); check the token or client certificate of the kubeconfig context",
                    HttpStatusCode.Forbidden => $"forbidden (403){Suffix(message)}",
                    _ => $"{api} answered {code} {response.ReasonPhrase}{Suffix(message)}".TrimEnd(),
                };
            case OperationCanceledException or TimeoutException:
                return $"timed out talking to {api}";
            default:
                return $"cannot reach {api} ({UnreachableCause(ex)})";
        }
    }

    private static string Suffix(string? message) => message is null ? "" : $": {message}";

    /// <summary>The <c>message</c> of a Kubernetes Status object, if the body is one.</summary>
    private static string? StatusMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message) &&
                message.ValueKind == JsonValueKind.String && message.GetString() is { Length: > 0 } text)
                return text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + "…";
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy's page, say): the status code alone is the reason.
        }
        return null;
    }

    private static string UnreachableCause(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is System.Security.Authentication.AuthenticationException) return "TLS handshake failed: the server certificate is not trusted by the kubeconfig's certificate authority";
        return NetworkCause.Of(ex);
    }
}

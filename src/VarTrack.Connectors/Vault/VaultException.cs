using System.Net;

namespace VarTrack.Connectors.Vault;

/// <summary>
/// Vault answered with an error status, gave an unreadable answer, or could not be reached. The message names the
/// API path (e.g. <c>secret/data/app/db</c>) and the status, never a secret value, token or request body.
/// </summary>
public class VaultException : Exception
{
    public VaultException(HttpStatusCode? statusCode, string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Path = path;
    }

    /// <summary>The HTTP status Vault returned; null when no answer came (unreachable, TLS failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The Vault API path after <c>/v1/</c>, unescaped, e.g. <c>secret/data/app/db</c>.</summary>
    public string Path { get; }
}

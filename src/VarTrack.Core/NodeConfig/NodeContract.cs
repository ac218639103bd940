namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The node bootstrap HTTP contract, shared by the hosts and <c>vt node fetch</c>. Bodies are JSON in snake_case
/// (<see cref="State.StateJson"/>). <see cref="SchemaVersion"/> is in every answer; a request may name the version it
/// speaks and any other is refused (400 <c>unsupported_version</c>), so a later version can change shapes safely.
/// </summary>
public static class NodeContract
{
    public const int SchemaVersion = 1;

    public const string RegisterRoute = "/api/nodes/register";
    public const string ConfigRoute = "/api/nodes/config";
    public const string ListRoute = "/api/nodes";

    /// <summary>Request bodies are small (an identifier, an address, some metadata); anything larger is refused with 413 unread.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>
    /// Metadata, as compact JSON with non-ASCII characters escaped (<c>\uXXXX</c>, as registries store it), is at most this many bytes (400 <c>metadata_too_large</c> beyond, before anything
    /// is stored): far below what a request body may hold, and within what every registry can keep (an Azure Table
    /// string property holds 32K UTF-16 characters).
    /// </summary>
    public const int MaxMetadataBytes = 16 * 1024;

    /// <summary>The HTTP status for "not ready yet, poll again" (RFC 8470 Too Early).</summary>
    public const int NotReadyStatus = 425;

    /// <summary>The error code of a 425 for a node that is not registered (never registered, or its registration was lost): register again, then poll.</summary>
    public const string NotRegisteredError = "not_registered";
}

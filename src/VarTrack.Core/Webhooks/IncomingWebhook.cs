namespace VarTrack.Core.Webhooks;

/// <summary>
/// One webhook request as a host received it, without anything HTTP-specific: the platform named by the route
/// (<c>/api/webhooks/{platform}</c>), the headers, the exact body bytes (signatures are computed over them, so hosts must
/// not re-encode the body) and the caller's address (for logs and the delivery record only; never trusted).
/// </summary>
public sealed class IncomingWebhook
{
    private readonly Dictionary<string, string> _headers;

    /// <param name="platform">The route value; matched case-insensitively against the known platforms.</param>
    /// <param name="headers">Header names are matched case-insensitively; a header sent several times is passed
    /// joined with <c>,</c> as HTTP does, which makes a repeated signature header fail verification.</param>
    /// <param name="body">The raw request body.</param>
    /// <param name="remoteAddress">The caller's address as the host sees it; null when unknown.</param>
    public IncomingWebhook(string platform, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body, string? remoteAddress = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(headers);
        Platform = platform;
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
            _headers[name] = _headers.TryGetValue(name, out var earlier) ? earlier + "," + value : value;
        Body = body;
        RemoteAddress = remoteAddress;
    }

    public string Platform { get; }

    /// <summary>Case-insensitive by name.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

    public ReadOnlyMemory<byte> Body { get; }

    public string? RemoteAddress { get; }

    /// <summary>The header's value trimmed; null when it is absent or blank.</summary>
    public string? Header(string name) =>
        _headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

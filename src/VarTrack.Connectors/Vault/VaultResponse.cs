using System.Net;
using System.Text.Json;

namespace VarTrack.Connectors.Vault;

/// <summary>One answer from Vault: its status and its JSON body (null when empty or not JSON, e.g. a proxy's page).</summary>
internal sealed class VaultResponse : IDisposable
{
    private readonly JsonDocument? _document;

    private VaultResponse(HttpStatusCode status, JsonDocument? document)
    {
        Status = status;
        _document = document;
    }

    public HttpStatusCode Status { get; }

    public bool IsSuccess => (int)Status is >= 200 and <= 299;

    /// <summary>The body's root element, or an undefined element when there is no JSON body.</summary>
    public JsonElement Root => _document?.RootElement ?? default;

    public JsonElement? Body => _document?.RootElement;

    public static VaultResponse Read(HttpStatusCode status, byte[] body)
    {
        if (body.Length == 0)
        {
            return new VaultResponse(status, null);
        }

        try
        {
            return new VaultResponse(status, JsonDocument.Parse(body));
        }
        catch (JsonException)
        {
            return new VaultResponse(status, null);
        }
    }

    public void Dispose() => _document?.Dispose();
}

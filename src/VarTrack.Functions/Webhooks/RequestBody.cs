using Microsoft.AspNetCore.Http;

namespace VarTrack.Functions.Webhooks;

/// <summary>Reads a request body up to a limit, never buffering more than the limit.</summary>
internal static class RequestBody
{
    /// <summary>The exact body bytes, or null when the body is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

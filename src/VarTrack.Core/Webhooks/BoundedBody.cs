namespace VarTrack.Core.Webhooks;

/// <summary>Reads a request body up to a limit, never buffering more than the limit (every host reads webhooks through it).</summary>
public static class BoundedBody
{
    /// <summary>The exact body bytes, or null when the declared or actual length exceeds <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? declaredLength, long limit, CancellationToken cancellationToken)
    {
        if (declaredLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using VarTrack.Core.Etl;

namespace VarTrack.Core.Planning;

/// <summary>
/// BLAKE3 over a canonical encoding of a flat map (keys sorted ordinally; each key and value length-prefixed; null
/// marked apart from empty), so the same content always gives the same hash whatever the source format or key order.
/// Secrets are hashed by value, so a rotated secret changes the hash; the hash itself reveals nothing useful.
/// </summary>
public static class ContentHash
{
    public const string Prefix = "blake3:";

    public static string Compute(IReadOnlyDictionary<string, FlatValue> values)
    {
        var digest = new Blake3Digest(256);
        var keys = values.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            Span<byte> header = stackalloc byte[5];
            foreach (var key in keys)
            {
                Write(digest, key, ref buffer, header, marker: 1);
                var value = values[key].Reveal();
                if (value is null)
                {
                    header[0] = 0;
                    digest.BlockUpdate(header[..1]);
                }
                else
                    Write(digest, value, ref buffer, header, marker: 2);
            }
            var output = new byte[32];
            digest.DoFinal(output, 0);
            return Prefix + Convert.ToHexStringLower(output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true); // it held secret values
        }
    }

    private static void Write(Blake3Digest digest, string text, ref byte[] buffer, Span<byte> header, byte marker)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (length > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            buffer = ArrayPool<byte>.Shared.Rent(length);
        }
        var written = Encoding.UTF8.GetBytes(text, buffer);
        header[0] = marker;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], written);
        digest.BlockUpdate(header);
        digest.BlockUpdate(buffer.AsSpan(0, written));
    }
}

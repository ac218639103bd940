using System.Buffers.Binary;
using System.Security.Cryptography;
using ChaCha20Poly1305 = Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305;
using Org.BouncyCastle.Crypto.Parameters;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The age payload: a 16-byte random nonce, then the plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305
/// under HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload") with the 12-byte nonce
/// 11-byte big-endian chunk counter || 0x01 for the final chunk, 0x00 before it (STREAM). Only the final chunk may be
/// short, and it may be empty only when the whole plaintext is.
/// </summary>
internal static class AgePayload
{
    public const int NonceSize = 16;
    private const int ChunkSize = 64 * 1024;
    private const int SealedChunkSize = ChunkSize + AgeCrypto.TagSize;

    public static int ChunkCount(int plaintextLength) => plaintextLength == 0 ? 1 : (plaintextLength + ChunkSize - 1) / ChunkSize;

    public static int EncryptedSize(int plaintextLength) =>
        checked(NonceSize + plaintextLength + ChunkCount(plaintextLength) * AgeCrypto.TagSize);

    public static void Encrypt(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        var nonce = output[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        var key = new KeyParameter(AgeCrypto.Hkdf(fileKey, nonce, "payload"));
        var cipher = new ChaCha20Poly1305();
        Span<byte> chunkNonce = stackalloc byte[12];
        var chunks = ChunkCount(plaintext.Length);
        var at = NonceSize;
        for (var i = 0; i < chunks; i++)
        {
            var chunk = plaintext.Slice(i * ChunkSize, Math.Min(ChunkSize, plaintext.Length - i * ChunkSize));
            SetChunkNonce(chunkNonce, i, last: i == chunks - 1);
            AgeCrypto.Seal(cipher, key, chunkNonce, chunk, output.Slice(at, chunk.Length + AgeCrypto.TagSize));
            at += chunk.Length + AgeCrypto.TagSize;
        }
    }

    /// <summary>
    /// Decrypts the payload starting at <paramref name="payloadOffset"/> of <paramref name="file"/> to the end of the
    /// file. Nothing is returned unless every chunk authenticates and the final chunk ends the file exactly.
    /// </summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> file, int payloadOffset)
    {
        var payload = file[payloadOffset..];
        if (payload.Length < NonceSize)
            throw new AgeFormatException(
                $"age payload is truncated: the file ends {payload.Length} bytes into the 16-byte payload nonce (offset {payloadOffset})",
                offset: payloadOffset);
        var key = new KeyParameter(AgeCrypto.Hkdf(fileKey, payload[..NonceSize], "payload"));
        var sealedChunks = payload[NonceSize..];
        var sealedOffset = payloadOffset + NonceSize;
        if (sealedChunks.IsEmpty)
            throw new AgeFormatException($"age payload is truncated: no chunk follows the payload nonce (offset {sealedOffset})", offset: sealedOffset);

        // Room for every full chunk plus what the last piece can hold (nothing when it is shorter than a tag).
        var chunkCount = (sealedChunks.Length + SealedChunkSize - 1) / SealedChunkSize;
        var lastPiece = sealedChunks.Length - (chunkCount - 1) * SealedChunkSize;
        var output = new byte[(chunkCount - 1) * ChunkSize + Math.Max(0, lastPiece - AgeCrypto.TagSize)];
        var cipher = new ChaCha20Poly1305();
        Span<byte> chunkNonce = stackalloc byte[12];
        int read = 0, written = 0;
        try
        {
            for (long index = 0; ; index++)
            {
                var remaining = sealedChunks.Length - read;
                var offset = (long)sealedOffset + read;
                var last = remaining <= SealedChunkSize;
                var length = last ? remaining : SealedChunkSize;
                if (length < AgeCrypto.TagSize)
                    throw new AgeFormatException(
                        $"age payload is truncated: chunk {index} at offset {offset} has {length} bytes, less than its 16-byte authentication tag",
                        offset: offset);
                var sealedChunk = sealedChunks.Slice(read, length);
                var plain = output.AsSpan(written, length - AgeCrypto.TagSize);
                SetChunkNonce(chunkNonce, index, last);
                if (!AgeCrypto.TryOpen(cipher, key, chunkNonce, sealedChunk, plain))
                    throw ChunkFailure(cipher, key, chunkNonce, sealedChunk, plain, index, last, offset, remaining);
                if (last && plain.IsEmpty && index > 0)
                    throw new AgeFormatException(
                        $"age payload chunk {index} at offset {offset} is an empty final chunk; only an empty file may end with an empty chunk",
                        offset: offset);
                read += length;
                written += plain.Length;
                if (last) return output;
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(output);
            throw;
        }
    }

    // A full-size chunk that fails authentication is tried with the other final-flag, which tells a file cut at a
    // chunk boundary, or a complete file with bytes appended, from plain corruption.
    private static AgeFormatException ChunkFailure(ChaCha20Poly1305 cipher, KeyParameter key, Span<byte> chunkNonce,
        ReadOnlySpan<byte> sealedChunk, Span<byte> plain, long index, bool last, long offset, int remaining)
    {
        if (sealedChunk.Length == SealedChunkSize)
        {
            SetChunkNonce(chunkNonce, index, !last);
            var opened = AgeCrypto.TryOpen(cipher, key, chunkNonce, sealedChunk, plain);
            CryptographicOperations.ZeroMemory(plain);
            if (opened && last)
                return new AgeFormatException(
                    $"age payload is truncated: chunk {index} at offset {offset} is not the final chunk, but the file ends after it",
                    offset: offset + sealedChunk.Length);
            if (opened)
                return new AgeFormatException(
                    $"age payload has {remaining - sealedChunk.Length} bytes of trailing data after its final chunk (offset {offset + sealedChunk.Length})",
                    offset: offset + sealedChunk.Length);
        }
        return new AgeFormatException(
            $"age payload chunk {index} at offset {offset} failed authentication: the file is corrupted or truncated, or data was appended to it",
            offset: offset);
    }

    private static void SetChunkNonce(Span<byte> nonce, long index, bool last)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce.Slice(3, 8), index);
        nonce[11] = last ? (byte)1 : (byte)0;
    }
}

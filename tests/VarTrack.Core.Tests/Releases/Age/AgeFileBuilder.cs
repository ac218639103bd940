using System.Buffers.Binary;
using System.Security.Cryptography;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Tests.Releases.Age;

/// <summary>
/// Builds age files chunk by chunk with chosen final-flags, to produce STREAM payloads the encryptor never writes
/// (an empty final chunk after data, no final chunk, two final chunks, a short non-final chunk).
/// </summary>
internal static class AgeFileBuilder
{
    public static byte[] Build(AgeRecipient recipient, params (byte[] Plaintext, bool Last)[] chunks)
    {
        var fileKey = RandomNumberGenerator.GetBytes(16);
        var header = AgeHeader.Write([X25519Stanza.Wrap(fileKey, recipient)], fileKey);
        var nonce = RandomNumberGenerator.GetBytes(16);
        var payloadKey = AgeCrypto.Hkdf(fileKey, nonce, "payload");
        var file = new List<byte>(header);
        file.AddRange(nonce);
        for (var i = 0; i < chunks.Length; i++)
        {
            var chunkNonce = new byte[12];
            BinaryPrimitives.WriteInt64BigEndian(chunkNonce.AsSpan(3), i);
            chunkNonce[11] = chunks[i].Last ? (byte)1 : (byte)0;
            file.AddRange(AgeCrypto.Seal(payloadKey, chunkNonce, chunks[i].Plaintext));
        }
        return file.ToArray();
    }
}

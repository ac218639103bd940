using System.Buffers.Binary;
using System.Text;

namespace VarTrack.Connectors.Ssh;

/// <summary>Reads what is needed from an SSH public key blob (RFC 4253 6.6): its leading key type string.</summary>
internal static class SshKeyBlob
{
    /// <summary>The key type the blob declares (<c>ssh-ed25519</c>, <c>ssh-rsa</c>, <c>ecdsa-sha2-nistp256</c>...), or null when it is not a key blob.</summary>
    public static string? TypeOf(byte[] blob)
    {
        if (blob.Length < 4) return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length is 0 or > 64 || length > blob.Length - 4) return null;
        var type = Encoding.ASCII.GetString(blob, 4, (int)length);
        return type.All(c => c is > ' ' and < '\x7f') ? type : null;
    }

    /// <summary>The key type a host key algorithm uses: an RSA key serves <c>rsa-sha2-512</c>, <c>rsa-sha2-256</c> and <c>ssh-rsa</c>.</summary>
    public static string KeyTypeOfAlgorithm(string algorithm) => algorithm is "rsa-sha2-512" or "rsa-sha2-256" ? "ssh-rsa" : algorithm;
}

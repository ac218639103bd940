using System.Text;
using VarTrack.Core.Errors;
using VarTrack.Core.Releases;

namespace VarTrack.Core.Tests.Releases;

/// <summary>
/// Stands in for age in Core tests: "encrypts" to the age header plus the recipients and the base64 plaintext, and
/// decrypts only with an identity whose recipient is listed. Not encryption; it checks wiring.
/// </summary>
public sealed class FakeCipher : IMetaCipher
{
    public byte[] Encrypt(string path, byte[] plaintext, IReadOnlyList<string> recipients) =>
        Encoding.UTF8.GetBytes($"age-encryption.org/v1\n{string.Join(",", recipients)}\n{Convert.ToBase64String(plaintext)}");

    public byte[] Decrypt(string path, byte[] ciphertext, IReadOnlyList<string> identities)
    {
        var lines = Encoding.UTF8.GetString(ciphertext).Split('\n');
        var recipients = lines[1].Split(',');
        if (!identities.Any(i => recipients.Contains(VarTrack.Core.Releases.Age.AgeIdentity.Parse(i).Recipient.ToString())))
            throw new VarTrackException(new Problem("cannot decrypt: none of the configured age identities can read it") { File = path });
        return Convert.FromBase64String(lines[2]);
    }

    public bool IsEncrypted(ReadOnlySpan<byte> content) => MetaFileCodec.LooksEncrypted(content);
}

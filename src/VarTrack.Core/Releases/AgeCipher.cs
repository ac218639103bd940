using VarTrack.Core.Errors;
using VarTrack.Core.Releases.Age;

namespace VarTrack.Core.Releases;

/// <summary>
/// <see cref="IMetaCipher"/> with the in-process age implementation (<see cref="AgeEncryption"/>, interoperable with the
/// <c>age</c> tool): the default, so no external tool is needed. Age errors become problems naming the file; they never
/// contain an identity.
/// </summary>
public sealed class AgeCipher : IMetaCipher
{
    public bool IsEncrypted(ReadOnlySpan<byte> content) => AgeEncryption.IsEncrypted(content);

    public byte[] Encrypt(string path, byte[] plaintext, IReadOnlyList<string> recipients)
    {
        if (recipients.Count == 0) throw new VarTrackException(new Problem("no age recipient to encrypt for") { File = path });
        return Guard(path, "encrypt", () => AgeEncryption.Encrypt(plaintext, recipients.Select(AgeRecipient.Parse).ToList()));
    }

    /// <summary>Each identity is one <c>AGE-SECRET-KEY-1...</c> key or the text of a key file as <c>age-keygen</c> writes it.</summary>
    public byte[] Decrypt(string path, byte[] ciphertext, IReadOnlyList<string> identities)
    {
        if (identities.Count == 0) throw new VarTrackException(new Problem("the file is encrypted and no age identity is configured") { File = path });
        return Guard(path, "decrypt", () => AgeEncryption.Decrypt(ciphertext, identities.SelectMany(AgeIdentity.ParseFile).ToList()));
    }

    private static byte[] Guard(string path, string what, Func<byte[]> work)
    {
        try
        {
            return work();
        }
        catch (AgeNoMatchingIdentityException)
        {
            throw new VarTrackException(new Problem($"cannot {what}: none of the configured age identities can read it (the file is encrypted for other recipients)") { File = path });
        }
        catch (AgeException ex)
        {
            throw new VarTrackException(new Problem($"cannot {what}: {ex.Message}") { File = path });
        }
    }
}

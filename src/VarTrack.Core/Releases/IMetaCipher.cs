namespace VarTrack.Core.Releases;

/// <summary>
/// Encrypts files of the meta repository for age recipients (<c>age1...</c>) and decrypts them with age identities
/// (<c>AGE-SECRET-KEY-1...</c>). Implemented by the <c>age</c> tool (<c>AgeToolCipher</c>) or an in-process
/// implementation of the age format. <paramref name="path"/> is only for messages; messages never contain identities.
/// </summary>
public interface IMetaCipher
{
    byte[] Encrypt(string path, byte[] plaintext, IReadOnlyList<string> recipients);

    /// <summary>Throws a <see cref="Errors.VarTrackException"/> naming the path when no identity can decrypt it.</summary>
    byte[] Decrypt(string path, byte[] ciphertext, IReadOnlyList<string> identities);

    /// <summary>True for age files, binary (<c>age-encryption.org/v1</c>) or armored.</summary>
    bool IsEncrypted(ReadOnlySpan<byte> content);
}

using System.Security.Cryptography;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// The age file encryption format v1 (https://age-encryption.org/v1, c2sp.org/age) with X25519 recipients, in
/// process: files it writes open with the <c>age</c> tool and files <c>age</c> writes open here. Passphrase (scrypt),
/// post-quantum and plugin recipients are not supported.
/// </summary>
public static class AgeEncryption
{
    private const int FileKeySize = 16;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> so that any one of <paramref name="recipients"/> can open it. Output is the
    /// binary age format, or ASCII armor (PEM "AGE ENCRYPTED FILE", as <c>age -a</c>) with <paramref name="armor"/>.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, IReadOnlyList<AgeRecipient> recipients, bool armor = false)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0) throw new ArgumentException("At least one age recipient is required.", nameof(recipients));
        var fileKey = RandomNumberGenerator.GetBytes(FileKeySize);
        try
        {
            var stanzas = new List<AgeStanza>(recipients.Count);
            foreach (var recipient in recipients)
            {
                ArgumentNullException.ThrowIfNull(recipient, nameof(recipients));
                stanzas.Add(X25519Stanza.Wrap(fileKey, recipient));
            }
            var header = AgeHeader.Write(stanzas, fileKey);
            var file = new byte[checked(header.Length + AgePayload.EncryptedSize(plaintext.Length))];
            header.CopyTo(file, 0);
            AgePayload.Encrypt(fileKey, plaintext, file.AsSpan(header.Length));
            return armor ? AgeArmor.Encode(file) : file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    /// <summary>
    /// Decrypts a binary or ASCII-armored age file with the first of <paramref name="identities"/> that matches one of
    /// its recipient stanzas. Malformed, tampered, truncated or extended files throw <see cref="AgeFormatException"/>;
    /// a file none of the identities can open throws <see cref="AgeNoMatchingIdentityException"/>. No plaintext is
    /// returned unless the whole file authenticates.
    /// </summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> ciphertext, IReadOnlyList<AgeIdentity> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        if (identities.Count == 0) throw new ArgumentException("At least one age identity is required.", nameof(identities));
        if (AgeArmor.LooksArmored(ciphertext))
            return DecryptBinary(AgeArmor.Decode(ciphertext), identities);
        return DecryptBinary(ciphertext, identities);
    }

    /// <summary>
    /// True when <paramref name="data"/> is an age file: binary (starts with "age-encryption.org/", any version, so an
    /// unsupported version is reported by <see cref="Decrypt"/> rather than mistaken for plaintext) or ASCII-armored
    /// (starts, after whitespace, with "-----BEGIN AGE ENCRYPTED FILE-----"). It does not validate the rest.
    /// </summary>
    public static bool IsEncrypted(ReadOnlySpan<byte> data) =>
        AgeHeader.HasVersionPrefix(data) || AgeArmor.StartsWithBeginLine(data);

    private static byte[] DecryptBinary(ReadOnlySpan<byte> file, IReadOnlyList<AgeIdentity> identities)
    {
        var header = AgeHeader.Parse(file);
        var x25519 = header.Stanzas.Where(s => s.Type == X25519Stanza.Type).ToList();
        foreach (var stanza in x25519) X25519Stanza.ValidateAndGetShare(stanza);
        byte[]? fileKey = null;
        foreach (var identity in identities)
        {
            ArgumentNullException.ThrowIfNull(identity, nameof(identities));
            foreach (var stanza in x25519)
            {
                fileKey = X25519Stanza.TryUnwrap(stanza, identity);
                if (fileKey is not null) break;
            }
            if (fileKey is not null) break;
        }
        if (fileKey is null) throw NoMatch(header, identities);
        try
        {
            var macKey = AgeCrypto.Hkdf(fileKey, [], "header");
            var mac = AgeCrypto.HmacSha256(macKey, file[..header.MacInputLength]);
            if (!CryptographicOperations.FixedTimeEquals(mac, header.Mac))
                throw new AgeFormatException(
                    $"age header line {header.MacLine}: the header MAC does not match (the header was modified or the file is corrupted)",
                    header.MacLine, header.MacInputLength - 3);
            return AgePayload.Decrypt(fileKey, file, header.PayloadOffset);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(fileKey);
        }
    }

    private static AgeNoMatchingIdentityException NoMatch(AgeHeader header, IReadOnlyList<AgeIdentity> identities)
    {
        var types = header.Stanzas.GroupBy(s => s.Type, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} x {g.Key}");
        var tried = string.Join(", ", identities.Select(i => i.Recipient.ToString()));
        var passphrase = header.Stanzas.Any(s => s.Type == "scrypt")
            ? "; the file is passphrase-encrypted (scrypt), which is not supported"
            : "";
        return new AgeNoMatchingIdentityException(
            $"no identity matches any recipient: the file has {header.Stanzas.Count} recipient stanza(s) ({string.Join(", ", types)}), " +
            $"none made for the identities of {tried}{passphrase}");
    }
}

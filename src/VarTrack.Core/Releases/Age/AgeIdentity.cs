using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VarTrack.Core.Releases.Age;

/// <summary>
/// An age X25519 identity (secret key), written as Bech32 with prefix <c>AGE-SECRET-KEY-1</c>. It opens files encrypted
/// for its <see cref="Recipient"/>. <see cref="ToString"/> never shows the key; <see cref="ExportSecretKey"/> does, on
/// purpose only.
/// </summary>
public sealed class AgeIdentity
{
    internal const string Hrp = "age-secret-key-";
    private const string RedactedKey = "AGE-SECRET-KEY-1***";
    private readonly byte[] _secretKey;

    private AgeIdentity(byte[] secretKey)
    {
        _secretKey = secretKey;
        Recipient = new AgeRecipient(X25519Stanza.PublicKeyOf(secretKey));
    }

    /// <summary>The public key files must be encrypted for so this identity can open them.</summary>
    public AgeRecipient Recipient { get; }

    internal ReadOnlySpan<byte> SecretKey => _secretKey;

    /// <summary>A new random identity (32 bytes from the OS CSPRNG, as <c>age-keygen</c> does).</summary>
    public static AgeIdentity Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Parses one <c>AGE-SECRET-KEY-1...</c> string (surrounding whitespace ignored). Errors never include the text.
    /// </summary>
    public static AgeIdentity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseKey(text.Trim(), "invalid age identity");
    }

    /// <summary>
    /// Parses an identity file as <c>age-keygen</c> writes it: one identity per line; empty lines and lines starting
    /// with '#' are ignored; LF or CRLF line endings. At least one identity is required.
    /// </summary>
    public static IReadOnlyList<AgeIdentity> ParseFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var identities = new List<AgeIdentity>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("AGE-PLUGIN-", StringComparison.OrdinalIgnoreCase))
                throw new AgeFormatException($"age identity file line {i + 1}: plugin identities are not supported", i + 1);
            identities.Add(ParseKey(line, $"age identity file line {i + 1}: invalid identity", i + 1));
        }
        if (identities.Count == 0)
            throw new AgeFormatException("age identity file contains no identity (expected a line 'AGE-SECRET-KEY-1...')");
        return identities;
    }

    /// <summary>The secret key as <c>AGE-SECRET-KEY-1...</c>: for writing a key file, never for logs.</summary>
    public string ExportSecretKey() => Bech32.Encode(Hrp, _secretKey).ToUpperInvariant();

    /// <summary>An identity file in the layout <c>age-keygen</c> writes (creation time and public key as comments).</summary>
    public string ExportIdentityFile(DateTimeOffset created)
    {
        var text = new StringBuilder();
        text.Append("# created: ").Append(created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# public key: ").Append(Recipient).Append('\n');
        text.Append(ExportSecretKey()).Append('\n');
        return text.ToString();
    }

    /// <summary>Shows the recipient, never the secret key.</summary>
    public override string ToString() => $"{RedactedKey} (recipient {Recipient})";

    private static AgeIdentity ParseKey(string text, string context, int? line = null)
    {
        if (!Bech32.TryDecode(text, out var hrp, out var key, out var error))
            throw new AgeFormatException($"{context}: it {error}", line);
        if (hrp != Hrp)
        {
            var hint = hrp == AgeRecipient.Hrp ? " (this is a recipient, the public key; an identity is the secret key)" : "";
            throw new AgeFormatException($"{context}: expected the prefix 'AGE-SECRET-KEY-1'{hint}", line);
        }
        if (key.Length != 32)
            throw new AgeFormatException($"{context}: the key is {key.Length} bytes, an X25519 key is 32", line);
        return new AgeIdentity(key);
    }
}

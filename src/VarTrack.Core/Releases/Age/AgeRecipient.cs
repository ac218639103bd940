namespace VarTrack.Core.Releases.Age;

/// <summary>
/// An age X25519 recipient (public key), written as Bech32 with prefix <c>age1</c> (what <c>age-keygen</c> prints as
/// "public key"). Files encrypted for it can be opened by the matching <see cref="AgeIdentity"/>.
/// </summary>
public sealed class AgeRecipient : IEquatable<AgeRecipient>
{
    internal const string Hrp = "age";
    private readonly byte[] _publicKey;
    private readonly string _text;

    internal AgeRecipient(byte[] publicKey)
    {
        _publicKey = publicKey;
        _text = Bech32.Encode(Hrp, publicKey);
    }

    internal ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Parses <c>age1...</c> (surrounding whitespace ignored); a bad string is an <see cref="AgeFormatException"/>.</summary>
    public static AgeRecipient Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        // Never echo what may be a secret key given by mistake.
        var secret = trimmed.StartsWith("AGE-SECRET-KEY-", StringComparison.OrdinalIgnoreCase);
        var shown = secret ? "AGE-SECRET-KEY-1***" : trimmed.Length <= 100 ? trimmed : trimmed[..100] + "...";
        if (secret)
            throw new AgeFormatException($"invalid age recipient '{shown}': this is a secret identity, not a recipient (give the 'age1...' public key)");
        if (trimmed.StartsWith("ssh-", StringComparison.Ordinal) || trimmed.StartsWith("ecdsa-", StringComparison.Ordinal))
            throw new AgeFormatException($"invalid age recipient '{shown}': SSH public keys are not supported as recipients (give an 'age1...' key)");
        if (!Bech32.TryDecode(trimmed, out var hrp, out var key, out var error))
            throw new AgeFormatException($"invalid age recipient '{shown}': it {error}");
        if (hrp != Hrp)
        {
            var hint = hrp.StartsWith("age1", StringComparison.Ordinal) ? " (post-quantum, tag and plugin recipients are not supported)" : "";
            throw new AgeFormatException($"invalid age recipient '{shown}': expected the prefix 'age1'{hint}");
        }
        if (key.Length != 32)
            throw new AgeFormatException($"invalid age recipient '{shown}': the key is {key.Length} bytes, an X25519 key is 32");
        if (!X25519Stanza.IsUsablePublicKey(key))
            throw new AgeFormatException($"invalid age recipient '{shown}': it is a low-order curve point, not a usable X25519 public key");
        return new AgeRecipient(key);
    }

    public bool Equals(AgeRecipient? other) => other is not null && _publicKey.AsSpan().SequenceEqual(other._publicKey);

    public override bool Equals(object? obj) => Equals(obj as AgeRecipient);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical lowercase <c>age1...</c> string.</summary>
    public override string ToString() => _text;
}

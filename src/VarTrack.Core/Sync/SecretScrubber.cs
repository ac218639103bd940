namespace VarTrack.Core.Sync;

/// <summary>Replaces every known secret text in a message with <c>***</c> (library errors sometimes echo what they were given).</summary>
public sealed class SecretScrubber(IEnumerable<string> secrets)
{
    // Longest first, so a secret that contains another is masked whole; very short texts would mask ordinary words.
    private readonly string[] _secrets = secrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    public string Scrub(string message)
    {
        foreach (var secret in _secrets)
            message = message.Replace(secret, Secrets.SecretValue.Mask, StringComparison.Ordinal);
        return message;
    }
}

namespace VarTrack.Connectors.Vault;

/// <summary>
/// A Vault API path after <c>/v1/</c>, kept both readable (for messages) and escaped segment by segment (for the URL),
/// so a secret named <c>a b?c</c> stays one segment and never turns into a query.
/// </summary>
internal sealed class VaultPath
{
    private VaultPath(string text, string escaped)
    {
        Text = text;
        Escaped = escaped;
    }

    /// <summary>Readable form used in messages, e.g. <c>secret/data/app/db</c>.</summary>
    public string Text { get; }

    /// <summary>Form used in the URL, each segment percent-escaped.</summary>
    public string Escaped { get; }

    public static VaultPath Of(params IReadOnlyList<string>[] parts)
    {
        var segments = parts.SelectMany(part => part).ToList();
        return new VaultPath(string.Join('/', segments), string.Join('/', segments.Select(Uri.EscapeDataString)));
    }

    /// <summary>
    /// Splits a mount or secret path into segments. Leading and trailing slashes are ignored; empty, <c>.</c> and
    /// <c>..</c> segments are refused because Vault and URL normalisation would silently point them elsewhere.
    /// </summary>
    public static IReadOnlyList<string> Segments(string value, string parameterName, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        var trimmed = value.Trim('/');
        if (trimmed.Length == 0)
        {
            return allowEmpty
                ? []
                : throw new ArgumentException($"vault {parameterName} must not be empty", parameterName);
        }

        var segments = trimmed.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"vault {parameterName} '{value}' has an empty, '.' or '..' segment", parameterName);
            }
        }

        return segments;
    }
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VarTrack.Connectors.Vault;

/// <summary>Turns Vault's <c>{"errors":[...]}</c> body into one clean line with no secret in it.</summary>
internal static partial class VaultErrorText
{
    // Shorter strings are not scrubbed: replacing "a" or "on" everywhere would garble the message and reveal little.
    private const int MinScrubLength = 4;
    private const int MaxLength = 400;

    /// <summary>
    /// The errors Vault listed, joined with "; ". Newer Vault wraps errors as go-multierror text
    /// ("1 error occurred:\n\t* permission denied\n\n"); only the bullet items are kept.
    /// </summary>
    public static string FromBody(JsonElement? body, IEnumerable<string> secrets)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("errors", out var errors)
            || errors.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var items = new List<string>();
        foreach (var error in errors.EnumerateArray())
        {
            var text = error.ValueKind == JsonValueKind.String ? error.GetString() ?? "" : error.GetRawText();
            var header = MultiErrorHeader().Match(text);
            if (header.Success)
            {
                items.AddRange(text[header.Length..]
                    .Split('\n')
                    .Select(line => line.Trim().TrimStart('*').Trim())
                    .Where(line => line.Length > 0));
            }
            else if (text.Trim().Length > 0)
            {
                items.Add(text);
            }
        }

        return Clean(string.Join("; ", items), secrets);
    }

    /// <summary>
    /// One line, at most <see cref="MaxLength"/> characters, with every known secret (token, secret id, values just
    /// sent) replaced by ***. Scrubbing runs before and after whitespace is collapsed (a secret may hold a newline)
    /// and before shortening (so no cut-off secret prefix is left).
    /// </summary>
    public static string Clean(string text, IEnumerable<string> secrets)
    {
        // An echo of a request body shows values JSON-escaped ("a\nb", "\u003C"), so those spellings are scrubbed too.
        var known = secrets
            .SelectMany(s => new[] { s, JsonEncodedText.Encode(s).ToString(), JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() })
            .Where(s => s.Length >= MinScrubLength)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var collapsed = Collapse(Scrub(text, known));
        collapsed = Scrub(collapsed, known.Select(Collapse));
        return collapsed.Length <= MaxLength ? collapsed : collapsed[..MaxLength] + "...";
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Scrub(string text, IEnumerable<string> secrets)
    {
        var builder = new StringBuilder(text);
        foreach (var secret in secrets.Where(s => s.Length >= MinScrubLength).OrderByDescending(s => s.Length))
        {
            builder.Replace(secret, Core.Secrets.SecretValue.Mask);
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^\s*\d+ errors? occurred:")]
    private static partial Regex MultiErrorHeader();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

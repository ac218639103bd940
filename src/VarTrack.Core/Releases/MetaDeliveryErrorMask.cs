using System.Text.RegularExpressions;

namespace VarTrack.Core.Releases;

/// <summary>
/// Makes a stored delivery error safe to show. The notifier never puts a secret into an error on purpose, but an
/// HTTP library message may quote a URL, and failed records outlive config changes; so before an error is shown or
/// stored: credentials in any URL (<c>https://user:pass@host</c>, up to the last '@' since a password may hold one)
/// become <c>***</c>, a subscriber's URL is cut to scheme and host (<c>https://hooks.example/***</c>: Slack- and
/// Teams-style webhook URLs carry their token in the path, others in the query), and a subscriber secret written literally in vartrack.yaml
/// is replaced. Secrets given as <c>${ENV}</c> or <c>@secret(...)</c> are not resolved here (that would fetch them
/// only to hide them); the notifier resolves them at send time and never writes them into an error.
/// </summary>
public static partial class MetaDeliveryErrorMask
{
    public const string Mask = "***";

    public static string Apply(string error, IEnumerable<MetaSubscriber> subscribers)
    {
        var text = error;
        foreach (var subscriber in subscribers)
        {
            if (SchemeAndHost(subscriber.Url) is { } cut && cut != subscriber.Url && subscriber.Url.Length > 0)
                text = text.Replace(subscriber.Url, cut, StringComparison.Ordinal);
            if (IsLiteral(subscriber.Secret) && subscriber.Secret.Raw.Length > 0)
                text = text.Replace(subscriber.Secret.Raw, Mask, StringComparison.Ordinal);
        }
        return UrlCredentials().Replace(text, "://" + Mask + "@");
    }

    /// <summary>The longest delivery error kept or shown: a reason phrase or library message, not a response body.</summary>
    public const int MaxErrorLength = 200;

    /// <summary>
    /// A delivery error safe for a terminal and a log line: control characters dropped (a subscriber's HTTP reason
    /// phrase is the subscriber's text and may carry ESC/BEL sequences) and cut to <see cref="MaxErrorLength"/>.
    /// Applied when an error is stored and again when one is shown, for records stored before.
    /// </summary>
    public static string Printable(string error)
    {
        var text = new string(error.Where(c => !char.IsControl(c)).ToArray());
        return text.Length <= MaxErrorLength ? text : text[..(MaxErrorLength - 1)] + "…";
    }

    /// <summary>
    /// <c>scheme://host[:port]/***</c>, read by hand rather than with <see cref="Uri"/>, which refuses a password holding
    /// an '@'; a URL that is only scheme and host stays as it is.
    /// </summary>
    private static string? SchemeAndHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start <= 0) return null;
        var rest = url[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var host = authority[(authority.LastIndexOf('@') + 1)..];
        var tail = end < 0 ? "" : rest[end..];
        return host.Length == authority.Length && tail is "" or "/" ? url : $"{url[..start]}://{host}/{Mask}";
    }

    private static bool IsLiteral(Config.SettingValue value) => value.Secret is null && value.EnvironmentVariables.Count == 0;

    /// <summary>
    /// The user-info part of a URL: everything between <c>://</c> and the LAST <c>@</c> before the host ends (greedy,
    /// so <c>user:p@ss@host</c> hides <c>p@ss</c> whole).
    /// </summary>
    [GeneratedRegex(@"://[^/\s?#]+@")]
    private static partial Regex UrlCredentials();
}

using System.Text.RegularExpressions;

namespace VarTrack.Core.Releases;

/// <summary>
/// Makes a stored delivery error safe to show. The notifier never puts a secret into an error on purpose, but an
/// HTTP library message may quote a URL, and failed records outlive config changes; so before an error is shown or
/// stored: credentials in any URL (<c>https://user:pass@host</c>) become <c>***</c>, a subscriber's URL is cut to
/// scheme, host and path (its query may carry a token), and a subscriber secret written literally in vartrack.yaml
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
            if (Uri.TryCreate(subscriber.Url, UriKind.Absolute, out var url) && (url.UserInfo.Length > 0 || url.Query.Length > 0))
                text = text.Replace(subscriber.Url, $"{url.Scheme}://{url.Authority}{url.AbsolutePath}{(url.Query.Length > 0 ? "?" + Mask : "")}", StringComparison.Ordinal);
            if (IsLiteral(subscriber.Secret) && subscriber.Secret.Raw.Length > 0)
                text = text.Replace(subscriber.Secret.Raw, Mask, StringComparison.Ordinal);
        }
        return UrlCredentials().Replace(text, "://" + Mask + "@");
    }

    private static bool IsLiteral(Config.SettingValue value) => value.Secret is null && value.EnvironmentVariables.Count == 0;

    /// <summary>The user-info part of a URL: everything between <c>://</c> and the first <c>@</c> before the host ends.</summary>
    [GeneratedRegex(@"://[^/\s@?#]+@")]
    private static partial Regex UrlCredentials();
}

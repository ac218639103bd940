using System.Text.RegularExpressions;
using VarTrack.Core.Config;
using VarTrack.Core.Formats;
using VarTrack.Core.Text;

namespace VarTrack.Core.Releases;

/// <summary>Binds the <c>meta:</c> section of vartrack.yaml; every problem names file:line:col and the key.</summary>
internal static partial class MetaSettingsBinder
{
    private static readonly string[] Keys =
        ["repository", "name", "branch", "project", "author", "writer", "cache_directory", "refresh", "subscribers", "delivery", "encryption", "identities"];
    private static readonly string[] AuthorKeys = ["name", "email"];
    private static readonly string[] SubscriberKeys = ["url", "secret", "projects"];
    private static readonly string[] DeliveryKeys = ["attempts", "backoff"];
    private static readonly string[] EncryptionKeys = ["paths", "recipients"];

    public static MetaSettings? Bind(ConfigBinder b, ConfigMap? map, string baseDirectory)
    {
        if (map is null) return null;
        const string what = "'meta'";
        b.OnlyKeys(map, what, Keys);
        var repository = b.String(map, "repository", what, required: true);
        if (repository is null) return null;
        // A local path is taken relative to vartrack.yaml; URLs are kept as written.
        if (!repository.Contains("://", StringComparison.Ordinal) && !IsScpLike(repository)) repository = Path.GetFullPath(repository, baseDirectory);
        var settings = new MetaSettings(repository);
        if (b.String(map, "name", what) is { } name) settings = settings with { Name = name };
        if (b.String(map, "branch", what) is { } branch)
        {
            if (!BranchShape().IsMatch(branch) || branch.Contains("..", StringComparison.Ordinal) || branch.EndsWith(".lock", StringComparison.Ordinal))
                b.Add(map["branch"]!.Position, $"'branch' in {what} is not a valid branch name: '{branch}'");
            settings = settings with { Branch = branch };
        }
        if (b.String(map, "project", what) is { } project)
        {
            if (MetaNames.ProblemOf("project", project, MetaNames.Project) is { } bad) b.Add(map["project"]!.Position, $"'project' in {what}: {bad}");
            settings = settings with { Project = project };
        }
        if (b.Map(map["author"], $"'author' of {what}") is { } author)
        {
            b.OnlyKeys(author, $"'author' of {what}", AuthorKeys);
            settings = settings with
            {
                AuthorName = b.String(author, "name", $"'author' of {what}") ?? settings.AuthorName,
                AuthorEmail = b.String(author, "email", $"'author' of {what}") ?? settings.AuthorEmail,
            };
        }
        if (b.String(map, "writer", what) is { } writer)
        {
            if (MetaNames.ProblemOf("writer id", writer, MetaNames.Writer) is { } bad) b.Add(map["writer"]!.Position, $"'writer' in {what}: {bad}");
            settings = settings with { Writer = writer };
        }
        if (b.String(map, "cache_directory", what) is { } cache) settings = settings with { CacheDirectory = Path.GetFullPath(cache, baseDirectory) };
        if (b.Duration(map, "refresh", what) is { } refresh) settings = settings with { Refresh = refresh };
        settings = settings with { Subscribers = BindSubscribers(b, b.Map(map["subscribers"], $"'subscribers' of {what}")) };
        if (b.Map(map["delivery"], $"'delivery' of {what}") is { } delivery)
        {
            const string deliveryWhat = "'delivery' of 'meta'";
            b.OnlyKeys(delivery, deliveryWhat, DeliveryKeys);
            if (b.Integer(delivery, "attempts", deliveryWhat) is { } attempts)
            {
                if (attempts is < 1 or > 100) b.Add(delivery["attempts"]!.Position, $"'attempts' in {deliveryWhat} must be between 1 and 100");
                settings = settings with { DeliveryAttempts = Math.Clamp(attempts, 1, 100) };
            }
            if (b.Duration(delivery, "backoff", deliveryWhat) is { } backoff) settings = settings with { DeliveryBackoff = backoff };
        }
        settings = settings with { Encryption = BindEncryption(b, map) };
        return settings with { Identities = AgeIdentitySettings.BindList(b, map, "identities", what, baseDirectory, singleAllowed: false) };
    }

    private static List<MetaSubscriber> BindSubscribers(ConfigBinder b, ConfigMap? map)
    {
        var subscribers = new List<MetaSubscriber>();
        foreach (var entry in map?.Entries ?? [])
        {
            var what = $"subscriber '{entry.Key}' of 'meta'";
            if (MetaNames.ProblemOf("subscriber name", entry.Key, MetaNames.Writer) is { } bad) b.Add(entry.KeyPosition, bad);
            var subscriber = b.Map(entry.Value, what);
            if (subscriber is null) continue;
            b.OnlyKeys(subscriber, what, SubscriberKeys);
            var url = b.String(subscriber, "url", what, required: true);
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                b.Add(subscriber["url"]!.Position, $"'url' of {what} must be an http or https URL");
            var secret = b.String(subscriber, "secret", what, required: true) is null ? null
                : VarTrackConfigLoader.Setting(b, subscriber.Entries.First(e => e.Key == "secret"), what, secretRefusal: null);
            var projects = b.Globs(subscriber, "projects", what, '/');
            if (url is not null && secret is not null)
                subscribers.Add(new MetaSubscriber(entry.Key, url, secret) { Projects = projects });
        }
        return subscribers;
    }

    private static List<MetaEncryptionRule> BindEncryption(ConfigBinder b, ConfigMap map)
    {
        var rules = new List<MetaEncryptionRule>();
        if (!map.TryGetEntry("encryption", out var entry) || entry.Value is ConfigScalar { IsNull: true }) return rules;
        if (entry.Value is not ConfigList list)
        {
            b.Add(entry.Value.Position, $"'encryption' in 'meta' must be a list of {{paths, recipients}}, found {ConfigBinder.Describe(entry.Value)}");
            return rules;
        }
        foreach (var item in list.Items)
        {
            var rule = b.Map(item, "an 'encryption' entry of 'meta'");
            if (rule is null) continue;
            var what = $"the 'encryption' entry at line {rule.Position.Line}";
            b.OnlyKeys(rule, what, EncryptionKeys);
            var paths = b.Globs(rule, "paths", what, '/');
            if (paths.Count == 0) b.Add(rule.Position, $"{what} needs 'paths' (globs such as envs/Prod/**)");
            foreach (var glob in paths)
                if (CoversRecords(glob))
                    b.Add(rule["paths"]!.Position, $"{what}: '{glob.Pattern}' would encrypt release, binary or event records, which must stay readable for verify; encrypt envs/ and flags/ files only");
            var recipients = new List<string>();
            foreach (var (recipient, position) in b.StringList(rule, "recipients", what))
                if (RecipientShape().IsMatch(recipient)) recipients.Add(recipient);
                else b.Add(position, $"{what}: recipient {MetaNames.Shown(recipient)} is not an age public key (age1...)");
            if (recipients.Count == 0 && rule.TryGetEntry("recipients", out _) is false) b.Add(rule.Position, $"{what} needs 'recipients' (age public keys)");
            rules.Add(new MetaEncryptionRule(paths, recipients) { Position = rule.Position });
        }
        return rules;
    }

    /// <summary>
    /// Whether a glob matches a release, binary or event path. A prefix test would pass <c>**</c> or
    /// <c>*/*/releases/**</c>, after which every release write fails; so the glob is matched against sample record
    /// paths, named with the glob's own literal segments as well (<c>projects/shop/releases/1.0.json</c>) so a glob
    /// naming one project or release is caught too.
    /// </summary>
    private static bool CoversRecords(Glob glob)
    {
        var names = new List<string> { "p" };
        foreach (var segment in glob.Pattern.Split('/'))
        {
            var literal = segment.Replace("*", "").Replace("?", "");
            if (literal.Length > 0 && literal.IndexOfAny(['[', ']', '{', '}']) < 0) names.Add(literal.EndsWith(".json", StringComparison.Ordinal) ? literal[..^5] : literal);
        }
        foreach (var project in names)
            foreach (var name in names)
            {
                string[] samples =
                [
                    $"{MetaPaths.ProjectsFolder}/{project}/releases/{name}.json",
                    $"{MetaPaths.ProjectsFolder}/{project}/binaries/{name}/linux-amd64.json",
                    $"{MetaPaths.ProjectsFolder}/{project}/binaries/r/{name}.json",
                    $"{MetaPaths.ProjectsFolder}/{project}/channels/{name}/events/20261124T100000000Z-w-000001.json",
                    $"{MetaPaths.ProjectsFolder}/{project}/channels/c/events/{name}.json",
                ];
                if (samples.Any(glob.IsMatch)) return true;
            }
        return false;
    }

    private static bool IsScpLike(string text)
    {
        var colon = text.IndexOf(':');
        var slash = text.IndexOf('/');
        return colon > 1 && (slash < 0 || colon < slash);
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._/-]{0,199}\z")]
    private static partial Regex BranchShape();

    // Bech32: "age1" then the data part (lowercase letters and digits without b, i, o, 1).
    [GeneratedRegex(@"\Aage1[023456789acdefghjklmnpqrstuvwxyz]{58}\z")]
    private static partial Regex RecipientShape();
}

using VarTrack.Core.Config;

namespace VarTrack.Core.Releases;

/// <summary>The <c>meta:</c> section of vartrack.yaml: where release metadata lives and who hears about changes.</summary>
public sealed record MetaSettings(string Repository)
{
    /// <summary>The repository's platform name (<c>owner/name</c>) that webhooks and <c>git.credentials</c> globs use.</summary>
    public string Name { get; init; } = NameOf(Repository);

    public string Branch { get; init; } = "main";

    /// <summary>The project <c>vt meta</c> commands use without <c>--project</c>.</summary>
    public string? Project { get; init; }

    public string AuthorName { get; init; } = "VarTrack";

    public string AuthorEmail { get; init; } = "vartrack@localhost";

    /// <summary>The writer id in event file names; null: this machine's name.</summary>
    public string? Writer { get; init; }

    /// <summary>Folder of the working clone; null: the host decides (the server's state folder, the user's cache for vt).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>How old the read API's view of the branch may be before it fetches again (a push webhook refreshes it at once).</summary>
    public TimeSpan Refresh { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<MetaSubscriber> Subscribers { get; init; } = [];

    /// <summary>Attempts per notification before it is given up (and kept under <c>meta/failed/</c>).</summary>
    public int DeliveryAttempts { get; init; } = 8;

    /// <summary>Wait after the first failed attempt; doubled after each further failure, at most 10 minutes.</summary>
    public TimeSpan DeliveryBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<MetaEncryptionRule> Encryption { get; init; } = [];

    /// <summary>age identities (secret settings) used to read encrypted files.</summary>
    public IReadOnlyList<SettingValue> Identities { get; init; } = [];

    /// <summary><c>owner/name</c> from a URL or path: its last two segments without <c>.git</c>.</summary>
    public static string NameOf(string repository)
    {
        var text = repository.Trim().TrimEnd('/', '\\');
        if (text.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) text = text[..^4];
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && !uri.IsFile) text = uri.AbsolutePath;
        var segments = text.Replace('\\', '/').Split(['/', ':'], StringSplitOptions.RemoveEmptyEntries);
        return segments.Length switch
        {
            0 => repository,
            1 => segments[0],
            _ => $"{segments[^2]}/{segments[^1]}",
        };
    }
}

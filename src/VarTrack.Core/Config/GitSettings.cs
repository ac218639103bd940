namespace VarTrack.Core.Config;

/// <summary>How VarTrack reaches Git: the local clone cache and the credentials per repository.</summary>
public sealed record GitSettings
{
    public static readonly GitSettings Default = new();

    /// <summary>Folder of the clone cache (relative to vartrack.yaml); null: the host's state folder decides.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Clones kept at most; the least recently used is removed first.</summary>
    public int MaxRepositories { get; init; } = 20;

    /// <summary>Total size of the cache on disk before least recently used clones are removed.</summary>
    public long MaxCacheBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A cached clone holding more packs than this (each fetch adds one) is compacted with <c>git gc</c> by the retention timer.</summary>
    public int MaxPacks { get; init; } = 20;

    /// <summary>
    /// Clone URL for requests that carry none (the API, drift heals): a template over <c>{repository}</c>, e.g.
    /// <c>https://github.com/{repository}.git</c>. Webhooks use the URL from their verified payload.
    /// </summary>
    public string? CloneUrl { get; init; }

    /// <summary>Credentials, first match by repository glob wins.</summary>
    public IReadOnlyList<GitCredential> Credentials { get; init; } = [];

    public GitCredential? CredentialFor(string repository) => Credentials.FirstOrDefault(c => c.Repositories.Count == 0 || c.Repositories.Any(g => g.IsMatch(repository)));
}

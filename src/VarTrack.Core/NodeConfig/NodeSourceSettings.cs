namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Where a materializer reads its files: a local <see cref="Folder"/> (absolute, resolved against vartrack.yaml), or
/// <see cref="Path"/> of <see cref="Repository"/> at the pinned <see cref="Commit"/> through the Git clone cache. The
/// commit is pinned rather than a branch followed so that every instance, and every node of one rollout, reads the
/// same bytes; <see cref="Ref"/> only tells the fetch where to find it.
/// </summary>
public sealed record NodeSourceSettings
{
    public string? Folder { get; init; }

    public string? Repository { get; init; }

    public string? Commit { get; init; }

    /// <summary>Full reference name fetched when the commit is not in the clone yet (e.g. <c>refs/heads/main</c>).</summary>
    public string? Ref { get; init; }

    /// <summary>Clone URL; null: <c>git.clone_url</c> with the repository filled in.</summary>
    public string? CloneUrl { get; init; }

    /// <summary>Folder inside the repository ('' = its root), normalised, without leading or trailing '/'.</summary>
    public string Path { get; init; } = "";

    public bool IsGit => Repository is not null;
}

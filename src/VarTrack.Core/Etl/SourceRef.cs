namespace VarTrack.Core.Etl;

/// <summary>What a sync is for: a branch push, a tag, a pull request, or nothing (a file on disk, from the CLI).</summary>
public sealed record SourceRef(SourceRefKind Kind, string Name)
{
    public static readonly SourceRef None = new(SourceRefKind.None, "");

    public static SourceRef Branch(string name) => new(SourceRefKind.Branch, name);

    public static SourceRef Tag(string name) => new(SourceRefKind.Tag, name);

    public static SourceRef PullRequest(int number) => new(SourceRefKind.PullRequest, number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Parses <c>refs/heads/x</c>, <c>refs/tags/x</c>, <c>refs/pull/42/head|merge</c>, <c>refs/merge-requests/42/head</c>; other text is a branch name.</summary>
    public static SourceRef Parse(string reference)
    {
        if (reference.StartsWith("refs/heads/", StringComparison.Ordinal)) return Branch(reference["refs/heads/".Length..]);
        if (reference.StartsWith("refs/tags/", StringComparison.Ordinal)) return Tag(reference["refs/tags/".Length..]);
        foreach (var prefix in (string[])["refs/pull/", "refs/merge-requests/"])
            if (reference.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = reference[prefix.Length..];
                var slash = rest.IndexOf('/');
                if (int.TryParse(slash < 0 ? rest : rest[..slash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
                    return PullRequest(number);
            }
        return Branch(reference);
    }

    /// <summary>The branch name for templates ({branch}); empty for tags and pull requests.</summary>
    public string? BranchName => Kind == SourceRefKind.Branch ? Name : null;
}

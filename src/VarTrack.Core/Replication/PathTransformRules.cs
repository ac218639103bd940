namespace VarTrack.Core.Replication;

/// <summary>
/// A destination's ordered rename rules: the first rule that matches an origin path gives its destination path; a path
/// no rule matches keeps its path (<see cref="UnmatchedPaths.Identity"/>) or is not replicated (<see cref="UnmatchedPaths.Skip"/>).
/// </summary>
public sealed record PathTransformRules(IReadOnlyList<PathTransform> Rules, UnmatchedPaths Unmatched)
{
    public static PathTransformRules Identity { get; } = new([], UnmatchedPaths.Identity);

    /// <summary>
    /// The destination path, or null when the path is not replicated. May throw
    /// <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/> for a pathological expression.
    /// </summary>
    public string? Map(string originPath)
    {
        foreach (var rule in Rules)
            if (rule.Apply(originPath) is { } mapped)
                return mapped;
        return Unmatched == UnmatchedPaths.Identity ? originPath : null;
    }
}

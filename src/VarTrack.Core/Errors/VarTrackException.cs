namespace VarTrack.Core.Errors;

/// <summary>
/// Bad input: one or more <see cref="Problem"/>s. Hosts print these as one line each (CLI) or map them to a 4xx;
/// they are never shown with a stack trace.
/// </summary>
public sealed class VarTrackException : Exception
{
    public VarTrackException(Problem problem) : this([problem]) { }

    public VarTrackException(IReadOnlyList<Problem> problems)
        : base(problems.Count == 0 ? "invalid input" : string.Join(Environment.NewLine, problems))
    {
        if (problems.Count == 0) throw new ArgumentException("At least one problem is required.", nameof(problems));
        Problems = problems;
    }

    public IReadOnlyList<Problem> Problems { get; }
}

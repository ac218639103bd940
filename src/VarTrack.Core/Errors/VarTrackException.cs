namespace VarTrack.Core.Errors;

/// <summary>
/// Bad input: one or more <see cref="Problem"/>s. Hosts print these as one line each (CLI) or map them to a 4xx;
/// they are never shown with a stack trace. Not sealed only so that a kind callers must tell apart (a state store that
/// is unavailable) can still be caught as what it also is.
/// </summary>
public class VarTrackException : Exception
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

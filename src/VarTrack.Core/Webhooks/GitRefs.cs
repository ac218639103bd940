namespace VarTrack.Core.Webhooks;

internal static class GitRefs
{
    public const string BranchPrefix = "refs/heads/";
    public const string TagPrefix = "refs/tags/";

    /// <summary>The all-zero id platforms send for "no commit" (a created ref's before, a deleted ref's after).</summary>
    public static bool IsZero(string? commit) => commit is { Length: > 0 } && commit.All(c => c == '0');

    public static bool IsTag(string reference) => reference.StartsWith(TagPrefix, StringComparison.Ordinal);

    public static bool IsBranchOrTag(string reference) =>
        (reference.StartsWith(BranchPrefix, StringComparison.Ordinal) && reference.Length > BranchPrefix.Length)
        || (IsTag(reference) && reference.Length > TagPrefix.Length);

    /// <summary>The name after refs/heads/ or refs/tags/, for messages.</summary>
    public static string ShortName(string reference) =>
        reference.StartsWith(BranchPrefix, StringComparison.Ordinal) ? reference[BranchPrefix.Length..]
        : IsTag(reference) ? reference[TagPrefix.Length..]
        : reference;
}

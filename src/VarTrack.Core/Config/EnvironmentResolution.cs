using VarTrack.Core.Text;

namespace VarTrack.Core.Config;

/// <summary>
/// How a rule turns a Git ref and file path into an environment name. Order (first that applies wins):
/// branch_map (exact names before globs) > tag > pull request > branch name > file_path_map > default.
/// </summary>
public sealed record EnvironmentResolution
{
    /// <summary>Exact branch names, then globs in the order written.</summary>
    public IReadOnlyList<(Glob Pattern, string Environment)> BranchMap { get; init; } = [];

    /// <summary><c>refs/tags/v1.2.3</c> gives <c>v1.2.3</c>.</summary>
    public bool Tags { get; init; } = true;

    /// <summary>Pull request 42 gives <c>pr-42</c>.</summary>
    public bool PullRequests { get; init; } = true;

    /// <summary>The branch name itself is the environment (when it is a valid environment name).</summary>
    public bool BranchName { get; init; } = true;

    public IReadOnlyList<(Glob Pattern, string Environment)> FilePathMap { get; init; } = [];

    public string Default { get; init; } = "default";
}

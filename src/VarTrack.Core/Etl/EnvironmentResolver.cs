using VarTrack.Core.Config;
using VarTrack.Core.Errors;

namespace VarTrack.Core.Etl;

/// <summary>
/// Step 2: the environment of a sync, in this documented order (first that applies wins):
/// 1. <c>branch_map</c> (exact names, then globs in the order written), 2. tag (<c>refs/tags/v1.2.3</c> -> <c>v1.2.3</c>),
/// 3. pull request (<c>pr-42</c>), 4. the branch name itself (unless <c>branch_name: false</c>),
/// 5. <c>file_path_map</c> globs on the file path, 6. <c>default</c>. An empty or invalid result is an error.
/// </summary>
public static class EnvironmentResolver
{
    public static string Resolve(EnvironmentResolution resolution, SourceRef source, string filePath)
    {
        var (environment, why) = Choose(resolution, source, filePath);
        if (!EnvironmentName.IsValid(environment))
            throw new VarTrackException(new Problem(
                $"environment '{environment}' (from {why}) is not a valid environment name: {EnvironmentName.Rule}; map it with branch_map")
            { File = filePath });
        return environment;
    }

    private static (string Environment, string Why) Choose(EnvironmentResolution resolution, SourceRef source, string filePath)
    {
        if (source.Kind == SourceRefKind.Branch)
            foreach (var (pattern, environment) in resolution.BranchMap)
                if (pattern.IsMatch(source.Name))
                    return (environment, $"branch_map '{pattern}'");
        if (source.Kind == SourceRefKind.Tag && resolution.Tags)
            return (source.Name, $"tag '{source.Name}'");
        if (source.Kind == SourceRefKind.PullRequest && resolution.PullRequests)
            return ($"pr-{source.Name}", $"pull request {source.Name}");
        if (source.Kind == SourceRefKind.Branch && resolution.BranchName)
            return (source.Name, $"branch '{source.Name}'");
        foreach (var (pattern, environment) in resolution.FilePathMap)
            if (pattern.IsMatch(filePath))
                return (environment, $"file_path_map '{pattern}'");
        return (resolution.Default, "the default");
    }
}

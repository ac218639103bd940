using System.ComponentModel;
using System.Diagnostics;

namespace VarTrack.Cli;

/// <summary>
/// The Git working tree the CLI runs in: its root (the folder holding <c>.git</c>), paths relative to it, and HEAD's
/// commit and branch. The CLI does not reference LibGit2Sharp, so HEAD is read with the git command line.
/// </summary>
internal sealed class GitWorkingTree(string root, string git = "git")
{
    public string Root { get; } = root;

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <c>.git</c> (a folder, or a file in worktrees and submodules).</summary>
    public static GitWorkingTree? Find(string start)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
        {
            var dotGit = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(dotGit) || File.Exists(dotGit)) return new GitWorkingTree(folder.FullName);
        }
        return null;
    }

    /// <summary>A path given on the command line (relative to <paramref name="workingDirectory"/>) as the repository path the server reads, with '/'.</summary>
    public string RepositoryPath(string path, string workingDirectory)
    {
        var relative = Path.GetRelativePath(Root, Path.GetFullPath(path, workingDirectory));
        if (relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new UsageException($"'{path}' is not a file inside the Git repository at {Root}");
        return relative.Replace('\\', '/');
    }

    public async Task<string> HeadCommitAsync(CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(["rev-parse", "--verify", "HEAD"], ct);
        return code == 0 && output.Length > 0
            ? output
            : throw new IOException($"cannot read HEAD's commit in {Root} (git rev-parse HEAD: {(error.Length > 0 ? error : $"exit code {code}")}); pass --commit");
    }

    /// <summary>The checked-out branch as <c>refs/heads/NAME</c>; a detached HEAD has none.</summary>
    public async Task<string> CurrentBranchRefAsync(CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(["symbolic-ref", "-q", "HEAD"], ct);
        if (code == 0 && output.Length > 0) return output;
        throw new UsageException(code == 1
            ? $"HEAD is detached in {Root}, so there is no current branch; pass --ref (e.g. --ref refs/heads/main)"
            : $"cannot read the current branch in {Root} (git symbolic-ref HEAD: {(error.Length > 0 ? error : $"exit code {code}")}); pass --ref");
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(git)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Git must answer for this working tree, not for a repository named by the caller's environment.
        start.Environment.Remove("GIT_DIR");
        start.Environment.Remove("GIT_WORK_TREE");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"could not start {git}");
        }
        catch (Win32Exception ex)
        {
            throw new IOException($"'{git}' could not be run ({ex.Message}): install Git, or pass --commit and --ref");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, (await output).Trim(), FirstLine(await error));
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}

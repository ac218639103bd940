using System.Diagnostics;
using Microsoft.Extensions.Logging;
using VarTrack.Core.Git;

namespace VarTrack.Connectors.Git;

/// <summary>
/// Compacts cached clones with the <c>git</c> command line (libgit2 has no gc): every libgit2 fetch adds a pack, so a
/// clone holding more than <see cref="PackLimit"/> packs gets <c>git gc --auto</c> with that limit, which repacks them
/// into one and drops what is unreachable and older than git's own grace period. It only runs on a clone no call is
/// using, holding it so new calls wait until it ends (see <see cref="GitCloneCache.TryBeginCompaction"/>). Without a
/// <c>git</c> on PATH nothing runs, and that is logged once.
/// </summary>
internal sealed class GitCloneCompaction(GitCloneCache cache, int packLimit, ILogger logger, string? gitPath = null) : IGitCacheCompaction
{
    /// <summary>One clone's gc should take seconds; this only stops a hung process from holding the clone forever.</summary>
    private static readonly TimeSpan GcTimeout = TimeSpan.FromMinutes(10);

    private readonly Lazy<string?> _git = new(() => gitPath is null ? FindOnPath("git") : File.Exists(gitPath) ? gitPath : null);
    private int _missingLogged;

    public int PackLimit { get; } = Math.Max(1, packLimit);

    public async Task<int> CompactAsync(CancellationToken cancellationToken = default)
    {
        var due = cache.IdleClones().Where(c => PackCount(c.Path) > PackLimit).ToList();
        if (due.Count == 0) return 0;
        if (_git.Value is not { } git)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
                logger.LogWarning("no git command on PATH: cached clones are not compacted ({Count} have more than {Limit} packs)", due.Count, PackLimit);
            return 0;
        }
        var compacted = 0;
        foreach (var clone in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!cache.TryBeginCompaction(clone)) continue; // taken by a call since the listing
            try
            {
                var before = PackCount(clone.Path);
                await RunGcAsync(git, clone.Path, cancellationToken);
                logger.LogInformation("compacted cached clone {Clone}: {Before} packs before, {After} after", clone.Name, before, PackCount(clone.Path));
                compacted++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The clone stays usable: git gc only replaces packs once the new one is complete.
                logger.LogWarning("cannot compact cached clone {Clone}: {Error}", clone.Name, ex.Message);
            }
            finally
            {
                cache.EndCompaction(clone);
            }
        }
        return compacted;
    }

    /// <summary>Pack files of a bare clone (<c>objects/pack/*.pack</c>).</summary>
    public static int PackCount(string clonePath)
    {
        try
        {
            return Directory.EnumerateFiles(Path.Combine(clonePath, "objects", "pack"), "*.pack").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private async Task RunGcAsync(string git, string clonePath, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(git)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // In the foreground (no detach), with VarTrack's pack limit; --auto keeps it a no-op when git sees nothing to do.
        foreach (var argument in new[] { "-C", clonePath, "-c", "gc.autoDetach=false", "-c", $"gc.autoPackLimit={PackLimit}", "gc", "--auto", "--quiet" })
            start.ArgumentList.Add(argument);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {git}");
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GcTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"git gc did not finish within {GcTimeout}");
        }
        await stdout;
        var error = (await stderr).Trim();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git gc exited with {process.ExitCode}: {(error.Length > 300 ? error[..300] : error)}");
    }

    private static string? FindOnPath(string name)
    {
        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name + ".cmd" } : new[] { name };
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var candidate in names)
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path)) return path;
            }
        return null;
    }
}

using System.Security.Cryptography;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Files;

/// <summary>
/// Files on this machine. A replace writes <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> in the target's directory, sets
/// mode and owner before any content goes in, fsyncs, then renames over the target (rename(2) is atomic within a
/// directory). Missing directories are an error, never created. A relative destination resolves against the folder of
/// vartrack.yaml when there is one (never against whatever the process's working directory happens to be).
/// </summary>
internal sealed class LocalFileStore(string sinkName, UnixFileMode? mode, FileOwner? owner, string? baseDirectory = null) : IFileStore
{
    public string Describe(string path) => path;

    public string CheckPath(string destination)
    {
        if (!Path.IsPathFullyQualified(destination) && baseDirectory is not null && destination.Length > 0)
            destination = Path.GetFullPath(destination, baseDirectory);
        if (!Path.IsPathFullyQualified(destination) || Path.GetFileName(destination).Length == 0)
            throw new VarTrackException(new Problem($"destination '{destination}' of sink '{sinkName}' must be an absolute path to a file (or relative to the folder of vartrack.yaml)"));
        return destination;
    }

    public async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"cannot read {path}: permission denied (or it is a directory)");
        }
    }

    public async Task ReplaceAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
            throw new VarTrackException(new Problem($"directory {directory} does not exist (the file sink does not create directories)"));
        var finalMode = mode ?? ExistingMode(path);
        var ids = owner is null ? ((uint, uint)?)null : ResolveOwner(path);

        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                // Mode and owner first: the content is never readable with looser permissions than the final file's.
                if (finalMode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, m);
                if (ids is var (uid, gid)) UnixAccounts.Chown(temporary, uid, gid);
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"cannot write {path}: permission denied in {directory}");
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete.
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"cannot delete {path}: permission denied");
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Without <c>file_mode</c>, a replaced file keeps the mode it had; a new one gets the process default.</summary>
    private static UnixFileMode? ExistingMode(string path) =>
        !OperatingSystem.IsWindows() && File.Exists(path) ? File.GetUnixFileMode(path) : null;

    private (uint, uint) ResolveOwner(string path)
    {
        if (OperatingSystem.IsWindows())
            throw new VarTrackException(new Problem($"sink '{sinkName}': 'owner' is not supported on Windows"));
        var ids = UnixAccounts.Resolve(owner!, path); // a misspelt name is reported first, root or not
        if (!Environment.IsPrivilegedProcess)
            throw new VarTrackException(new Problem(
                $"sink '{sinkName}': 'owner' {owner} needs VarTrack to run as root to give {path} another owner (drop 'owner', or run the writer as root)"));
        return ids;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using VarTrack.Core.NodeConfig;

namespace VarTrack.Cli;

/// <summary>
/// Writes a verified payload under a root, all or nothing. Every destination is checked first (inside the root after
/// following symbolic links, no two files to one place, not a folder). Then each file is staged as a hidden file in
/// its destination folder, created with its final mode (so a secret is never readable by others, even briefly) and
/// flushed to disk; staging beside the destination rather than in one folder keeps every rename on one file system
/// (a mounted config folder is often its own). Only when all are staged are they renamed into place; if any step
/// fails, the files already replaced are restored from backups, new ones removed, staged files and folders created
/// for them deleted, so the tree is as it was.
/// </summary>
internal sealed class NodeFileWriter(string root)
{
    private const string DefaultMode = "0644";

    private readonly string _root = Path.GetFullPath(root);
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    public sealed record PlannedFile(string PayloadPath, string Destination, byte[] Content, string? Mode);

    /// <summary>Checks where each file would go; throws <see cref="NodeFetchException"/> (refused) before anything is written.</summary>
    public IReadOnlyList<PlannedFile> Plan(IEnumerable<(string PayloadPath, string RelativeDestination, byte[] Content, string? Mode)> files)
    {
        var planned = new List<PlannedFile>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (payloadPath, relative, content, mode) in files)
        {
            if (NodeFilePath.Normalize(relative, out var problem) is not { } normal || normal != relative)
                throw Refused($"the destination of '{payloadPath}' ({relative}) {problem ?? "is not a plain relative path"}");
            var destination = Path.Combine(_root, normal);
            if (!PhysicalPath.IsInside(Path.GetDirectoryName(destination)!, _root))
                throw Refused($"the destination of '{payloadPath}' ({destination}) leads outside {_root} through a symbolic link");
            if (Directory.Exists(destination) && new DirectoryInfo(destination).LinkTarget is null)
                throw Refused($"the destination of '{payloadPath}' ({destination}) is a folder");
            if (!seen.TryAdd(destination, payloadPath))
                throw Refused($"'{seen[destination]}' and '{payloadPath}' would both be written to {destination}");
            planned.Add(new PlannedFile(payloadPath, destination, content, mode));
        }
        return planned;
    }

    /// <summary>Stages and renames every planned file; on any failure the tree is restored and the exception rethrown.</summary>
    public void Write(IReadOnlyList<PlannedFile> files)
    {
        var createdFolders = new List<string>();
        var staged = new List<(PlannedFile File, string Temp)>();
        var committed = new List<(PlannedFile File, string? Backup, string? LinkTarget)>();
        try
        {
            foreach (var file in files)
            {
                CreateFolders(Path.GetDirectoryName(file.Destination)!, createdFolders);
                var temp = Path.Combine(Path.GetDirectoryName(file.Destination)!, $".vt-node-{_run}-{staged.Count}");
                staged.Add((file, temp));
                Stage(temp, file.Content, file.Mode ?? DefaultMode);
            }
            foreach (var (file, temp) in staged)
            {
                var (backup, linkTarget) = Backup(file.Destination, committed.Count);
                committed.Add((file, backup, linkTarget));
                File.Move(temp, file.Destination, overwrite: true);
            }
        }
        catch
        {
            Restore(committed, staged, createdFolders);
            throw;
        }
        foreach (var (_, backup, _) in committed)
            if (backup is not null) TryDelete(backup);
    }

    private void Stage(string temp, byte[] content, string mode)
    {
        var unixMode = (UnixFileMode)Convert.ToInt32(mode, 8);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = unixMode;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        // The process umask may have removed bits from the create mode: set exactly what was asked.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, unixMode);
    }

    /// <summary>Keeps what the destination holds now: a copy of a file, or the target of a symbolic link; nothing when absent.</summary>
    private (string? Backup, string? LinkTarget) Backup(string destination, int index)
    {
        var info = new FileInfo(destination);
        if (info.LinkTarget is { } target) return (null, target);
        if (!info.Exists) return (null, null);
        var backup = Path.Combine(Path.GetDirectoryName(destination)!, $".vt-node-{_run}-{index}.old");
        File.Copy(destination, backup, overwrite: false);
        return (backup, null);
    }

    private static void Restore(List<(PlannedFile File, string? Backup, string? LinkTarget)> committed, List<(PlannedFile File, string Temp)> staged, List<string> createdFolders)
    {
        for (var i = committed.Count - 1; i >= 0; i--)
        {
            var (file, backup, linkTarget) = committed[i];
            try
            {
                if (backup is not null) File.Move(backup, file.Destination, overwrite: true);
                else if (linkTarget is not null)
                {
                    if (File.Exists(file.Destination) || new FileInfo(file.Destination).LinkTarget is not null) File.Delete(file.Destination);
                    File.CreateSymbolicLink(file.Destination, linkTarget);
                }
                else TryDelete(file.Destination);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: keep restoring the others.
            }
        }
        foreach (var (_, temp) in staged) TryDelete(temp);
        for (var i = createdFolders.Count - 1; i >= 0; i--)
        {
            try
            {
                if (Directory.Exists(createdFolders[i]) && !Directory.EnumerateFileSystemEntries(createdFolders[i]).Any()) Directory.Delete(createdFolders[i]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Leave it: it is empty or someone else's now.
            }
        }
    }

    /// <summary>Creates the missing folders of <paramref name="folder"/> from the top, recording them for the rollback.</summary>
    private static void CreateFolders(string folder, List<string> created)
    {
        var missing = new Stack<string>();
        for (var current = folder; !Directory.Exists(current); current = Path.GetDirectoryName(current)!) missing.Push(current);
        while (missing.Count > 0)
        {
            var next = missing.Pop();
            Directory.CreateDirectory(next);
            created.Add(next);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden file is harmless; the error that matters is already on its way.
        }
    }

    private static NodeFetchException Refused(string message) => new($"refused: {message}; nothing was written", ExitCodes.NodeRefused);
}

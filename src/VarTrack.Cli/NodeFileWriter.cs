using System.Text.Json;
using VarTrack.Core.NodeConfig;
using VarTrack.Core.State;

namespace VarTrack.Cli;

/// <summary>
/// Writes a verified payload under a root, all or nothing. Every destination is checked first (inside the root after
/// following symbolic links, no two files to one place, not a folder). Then each file is staged as a hidden file in
/// its destination folder, created with its final mode (so a secret is never readable by others, even briefly) and
/// flushed to disk; staging beside the destination rather than in one folder keeps every rename on one file system
/// (a mounted config folder is often its own). Only when all are staged (and what they replace is backed up) are they
/// renamed into place; if any step fails, the files already replaced are restored from backups, new ones removed,
/// staged files and folders created for them deleted, so the tree is as it was. A journal
/// (<see cref="NodeWriteJournal"/>) written before the first staged file and again before the first rename makes
/// this hold when the process dies half way too: <see cref="Recover"/> (run first by every fetch) finishes the renames
/// of a run that was committing, or rolls back one that was staging or restoring, and removes its hidden files.
/// One fetch per root at a time.
/// </summary>
internal sealed class NodeFileWriter(string root)
{
    private const string DefaultMode = "0644";
    private const string OwnerOnly = "0600";
    private const string HiddenPrefix = ".vt-node-";

    private readonly string _root = Path.GetFullPath(root);
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    public sealed record PlannedFile(string PayloadPath, string Destination, byte[] Content, string? Mode);

    /// <summary>Test hook: called after each step ("staged" or "renamed") with the number of files done so far in that step.</summary>
    internal Action<string, int>? AfterStep { get; init; }

    public string JournalPath => Path.Combine(_root, HiddenPrefix + "journal");

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
        // A file cannot be where another file needs a folder: refuse now rather than fail half way through the renames.
        foreach (var parent in planned)
            if (planned.FirstOrDefault(other => other.Destination.StartsWith(parent.Destination + Path.DirectorySeparatorChar, StringComparison.Ordinal)) is { } child)
                throw Refused($"'{parent.PayloadPath}' would be written to {parent.Destination}, the folder '{child.PayloadPath}' needs ({child.Destination})");
        return planned;
    }

    /// <summary>
    /// Stages and renames every planned file; on any failure the tree is restored and the exception rethrown. When a
    /// file could not be restored, the exception is a <see cref="NodeFileWriteException"/> naming it.
    /// </summary>
    public void Write(IReadOnlyList<PlannedFile> files)
    {
        RemoveStale(files.Select(f => Path.GetDirectoryName(f.Destination)!).Distinct(StringComparer.Ordinal));
        var entries = files.Select((f, i) => new NodeWriteJournal.Entry(
            Path.Combine(Path.GetDirectoryName(f.Destination)!, $"{HiddenPrefix}{_run}-{i}"), Path.Combine(Path.GetDirectoryName(f.Destination)!, $"{HiddenPrefix}{_run}-{i}.old"), f.Destination, null)).ToList();
        var journal = new NodeWriteJournal(NodeWriteJournal.Staging, entries, MissingFolders(files));
        SaveJournal(journal);
        var renamed = 0;
        try
        {
            foreach (var folder in journal.CreatedFolders) Directory.CreateDirectory(folder);
            for (var i = 0; i < files.Count; i++)
            {
                Stage(entries[i].Staged, files[i].Content, files[i].Mode ?? DefaultMode);
                AfterStep?.Invoke("staged", i + 1);
            }
            for (var i = 0; i < files.Count; i++) entries[i] = Backup(entries[i]);
            journal = journal with { Phase = NodeWriteJournal.Commit, Entries = entries };
            SaveJournal(journal);
            foreach (var entry in entries)
            {
                File.Move(entry.Staged, entry.Destination, overwrite: true);
                AfterStep?.Invoke("renamed", ++renamed);
            }
        }
        catch (Exception ex) when (ex is not SimulatedCrash)
        {
            if (journal.Phase == NodeWriteJournal.Commit)
            {
                journal = journal with { Phase = NodeWriteJournal.Rollback };
                TrySaveJournal(journal);
            }
            var unrestored = Roll(journal);
            // A journal whose rollback failed stays, so the next run tries the rollback again.
            if (unrestored.Count > 0) throw new NodeFileWriteException(ex.Message, unrestored, ex);
            TryDelete(JournalPath);
            throw;
        }
        foreach (var entry in entries)
            if (entry.Backup is not null) TryDelete(entry.Backup);
        TryDelete(JournalPath);
    }

    /// <summary>
    /// Finishes or rolls back what a killed run left (its journal), then removes the journal. Returns one line saying
    /// what was done, or null when there was nothing to do.
    /// </summary>
    public string? Recover()
    {
        TryDelete(JournalPath + ".tmp");
        if (!File.Exists(JournalPath)) return null;
        NodeWriteJournal? journal;
        try
        {
            journal = JsonSerializer.Deserialize<NodeWriteJournal>(File.ReadAllBytes(JournalPath), StateJson.Options);
        }
        catch (JsonException ex)
        {
            throw new IOException($"the journal {JournalPath} of an interrupted write is unreadable ({ex.Message}); check the files it covers and delete it");
        }
        if (journal?.Entries is null || journal.CreatedFolders is null)
            throw new IOException($"the journal {JournalPath} of an interrupted write is incomplete; check the files it covers and delete it");
        string done;
        if (journal.Phase == NodeWriteJournal.Commit)
        {
            // Every staged file was complete and flushed before this phase began: finish the renames.
            foreach (var entry in journal.Entries)
                if (File.Exists(entry.Staged)) File.Move(entry.Staged, entry.Destination, overwrite: true);
            foreach (var entry in journal.Entries)
                if (entry.Backup is not null) TryDelete(entry.Backup);
            done = $"finished the interrupted write of {journal.Entries.Count} files (journal {JournalPath})";
        }
        else
        {
            var unrestored = Roll(journal);
            if (unrestored.Count > 0)
                throw new NodeFileWriteException($"cannot roll back the interrupted write of journal {JournalPath}", unrestored, null);
            done = $"rolled back an interrupted write of {journal.Entries.Count} files (journal {JournalPath})";
        }
        File.Delete(JournalPath);
        return done;
    }

    /// <summary>
    /// Undoes a run from its journal; safe to repeat (an interrupted rollback is rolled back again). A staged file
    /// still present was never renamed, so its destination is untouched; one that is gone was renamed (or already
    /// restored), so the backup (or link) goes back, or a new file is removed. Returns the destinations that could not be restored.
    /// </summary>
    private static List<string> Roll(NodeWriteJournal journal)
    {
        var unrestored = new List<string>();
        var renamesBegan = journal.Phase != NodeWriteJournal.Staging;
        for (var i = journal.Entries.Count - 1; i >= 0; i--)
        {
            var entry = journal.Entries[i];
            try
            {
                if (File.Exists(entry.Staged) || !renamesBegan)
                {
                    TryDelete(entry.Staged);
                    if (entry.Backup is not null) TryDelete(entry.Backup);
                }
                else if (entry.Backup is not null)
                {
                    if (File.Exists(entry.Backup)) File.Move(entry.Backup, entry.Destination, overwrite: true);
                }
                else if (entry.LinkTarget is not null)
                {
                    if (new FileInfo(entry.Destination).LinkTarget != entry.LinkTarget)
                    {
                        if (File.Exists(entry.Destination) || new FileInfo(entry.Destination).LinkTarget is not null) File.Delete(entry.Destination);
                        File.CreateSymbolicLink(entry.Destination, entry.LinkTarget);
                    }
                }
                else if (File.Exists(entry.Destination)) File.Delete(entry.Destination);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Keep restoring the others; the caller reports this one.
                unrestored.Add($"{entry.Destination} ({ex.Message})");
            }
        }
        for (var i = journal.CreatedFolders.Count - 1; i >= 0; i--)
        {
            try
            {
                if (Directory.Exists(journal.CreatedFolders[i]) && !Directory.EnumerateFileSystemEntries(journal.CreatedFolders[i]).Any()) Directory.Delete(journal.CreatedFolders[i]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Leave it: it is empty or someone else's now.
            }
        }
        return unrestored;
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
    private static NodeWriteJournal.Entry Backup(NodeWriteJournal.Entry entry)
    {
        var info = new FileInfo(entry.Destination);
        if (info.LinkTarget is { } target) return entry with { Backup = null, LinkTarget = target };
        if (!info.Exists) return entry with { Backup = null };
        File.Copy(entry.Destination, entry.Backup!, overwrite: false);
        return entry;
    }

    /// <summary>The journal is replaced atomically (temp file + rename), owner-only, flushed: a torn journal cannot be read back.</summary>
    private void SaveJournal(NodeWriteJournal journal)
    {
        var temp = JournalPath + ".tmp";
        TryDelete(temp);
        Stage(temp, StateJson.Serialize(journal), OwnerOnly);
        File.Move(temp, JournalPath, overwrite: true);
    }

    private void TrySaveJournal(NodeWriteJournal journal)
    {
        try
        {
            SaveJournal(journal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The rollback goes on; a commit journal left behind is finished by the next run, which is also consistent.
        }
    }

    /// <summary>Hidden files of earlier runs that no journal covers (a run killed before its journal was written).</summary>
    private void RemoveStale(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Append(_root).Distinct(StringComparer.Ordinal).Where(Directory.Exists))
            foreach (var stale in Directory.EnumerateFiles(folder, HiddenPrefix + "*"))
                if (stale != JournalPath) TryDelete(stale);
    }

    /// <summary>The folders the files need that do not exist yet, parents first.</summary>
    private static List<string> MissingFolders(IEnumerable<PlannedFile> files)
    {
        var created = new List<string>();
        foreach (var file in files)
        {
            var missing = new Stack<string>();
            for (var current = Path.GetDirectoryName(file.Destination)!; !Directory.Exists(current) && !created.Contains(current); current = Path.GetDirectoryName(current)!) missing.Push(current);
            created.AddRange(missing);
        }
        return created;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (path.Length > 0) File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden file is harmless; the error that matters is already on its way.
        }
    }

    private static NodeFetchException Refused(string message) => new($"refused: {message}; nothing was written", ExitCodes.NodeRefused);
}

using VarTrack.Core.Errors;
using VarTrack.Core.State;

namespace VarTrack.Connectors.LocalState;

/// <summary>
/// The embedded state store: one file per key under a folder. Key segments become folders and the last segment a file
/// named <c>&lt;segment&gt;@</c>; the marker lies outside the key alphabet, so a key and its children (<c>a</c> and
/// <c>a/b</c>) never fight over one name. Files are created 0600 and folders 0700 on Unix (pre-write snapshots may
/// hold secret values). Every write goes to a temporary file in the same folder (<c>.vt-&lt;guid&gt;.tmp</c>), is
/// flushed to disk and renamed over the document, so readers see the old or the new document, never a torn one.
/// <see cref="TryCreateAsync"/> links the temporary file without replacing (link(2) on Unix, <see cref="ExclusiveLink"/>), which fails when the
/// document exists, so exactly one of several creators wins, across threads and processes. No in-process lock is
/// held: several instances (and processes) may share one folder.
/// </summary>
public sealed class LocalFolderStateStore : IStateStore
{
    /// <summary>Appended to the last segment to name a document's file.</summary>
    public const string DocumentSuffix = "@";

    private const string TempPrefix = ".vt-";
    private const string TempSuffix = ".tmp";
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const int FolderRaceAttempts = 5;

    private static readonly EnumerationOptions AllEntries = new()
    {
        // Segments such as ".2Fx" start with a dot, which Unix calls hidden; the default options would skip them.
        AttributesToSkip = FileAttributes.None,
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    public LocalFolderStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Root = Path.GetFullPath(directory);
    }

    /// <summary>The folder holding the documents (absolute); created 0700 on the first write if missing.</summary>
    public string Root { get; }

    /// <summary>The file that holds <paramref name="key"/>'s document.</summary>
    public string PathOf(string key)
    {
        var segments = SegmentsOf(key);
        segments[^1] += DocumentSuffix;
        return Path.Combine([Root, .. segments]);
    }

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(key, path, "read", ex);
        }
    }

    public Task WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        PlaceAsync(key, data, replace: true, cancellationToken);

    public Task<bool> TryCreateAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        PlaceAsync(key, data, replace: false, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure(key, path, "delete", ex);
        }
        RemoveEmptyFolders(Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(List(prefix, cancellationToken).Select(e => e.Key).ToList());

    /// <summary>The keys with their files' modification times (the rename of the last write), from the same walk.</summary>
    public Task<IReadOnlyList<StateEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StateEntry>>(List(prefix, cancellationToken));

    private List<StateEntry> List(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        // "" lists every key; anything else must be a valid key naming the folder to walk.
        var folder = prefix.Length == 0 ? Root : Path.Combine([Root, .. SegmentsOf(prefix)]);
        var entries = new List<StateEntry>();
        try
        {
            Walk(folder, prefix, entries, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreUnavailableException(new Problem($"cannot list state keys under '{prefix}' in folder '{folder}': {ex.Message}")) { IsAccessDenied = ex is UnauthorizedAccessException };
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    private async Task<bool> PlaceAsync(string key, ReadOnlyMemory<byte> data, bool replace, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        for (var attempt = 1; ; attempt++)
        {
            string? temp = null;
            try
            {
                CreateFolder(folder);
                temp = Path.Combine(folder, TempPrefix + Guid.NewGuid().ToString("N") + TempSuffix);
                await WriteFlushedAsync(temp, data, cancellationToken);
                if (!replace)
                {
                    // link(2): fails when the document exists, so exactly one creator wins; the temp name goes in finally.
                    return ExclusiveLink.TryPlace(temp, path);
                }
                File.Move(temp, path, overwrite: true); // rename(2): atomic replace
                temp = null;
                return true;
            }
            catch (IOException ex) when (ex is DirectoryNotFoundException or FileNotFoundException && attempt < FolderRaceAttempts)
            {
                // A concurrent delete removed the (still empty) folder between creating it and writing into it. .NET
                // reports that ENOENT as FileNotFoundException instead when, by the time it looks, another writer has
                // created the folder again (CI saw this): either way a fresh temp file in a fresh folder is the answer.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Failure(key, path, "write", ex);
            }
            finally
            {
                if (temp is not null) TryDeleteFile(temp);
            }
        }
    }

    private static async Task WriteFlushedAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(data, cancellationToken);
        // On disk before the rename, so a crash leaves the old or the new document, not an empty file.
        stream.Flush(flushToDisk: true);
    }

    private static void CreateFolder(string folder)
    {
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; missing parents get the
        // umask default (often 0755), so each missing level is created here, top down.
        if (Path.GetDirectoryName(folder) is { } parent) CreateFolder(parent);
        Directory.CreateDirectory(folder, OwnerOnlyFolder);
    }

    // Best effort: a folder a writer has just filled is not empty, and Directory.Delete refuses non-empty folders.
    private void RemoveEmptyFolders(string folder)
    {
        while (folder.Length > Root.Length && folder.StartsWith(Root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder, recursive: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private static void Walk(string folder, string prefix, List<StateEntry> keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", AllEntries).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return; // nothing under this prefix, or deleted while walking
        }
        foreach (var entry in entries)
        {
            var name = entry.Name;
            if (entry is DirectoryInfo && entry.LinkTarget is null && StateKey.IsValid(name))
            {
                Walk(entry.FullName, Join(prefix, name), keys, cancellationToken);
            }
            else if (entry is FileInfo && name.EndsWith(DocumentSuffix, StringComparison.Ordinal))
            {
                // Temporary files and anything else that is not "<segment>@" are not documents.
                var segment = name[..^DocumentSuffix.Length];
                if (StateKey.IsValid(segment)) keys.Add(new StateEntry(Join(prefix, segment), new DateTimeOffset(entry.LastWriteTimeUtc, TimeSpan.Zero)));
            }
        }
    }

    private static string Join(string prefix, string segment) => prefix.Length == 0 ? segment : prefix + "/" + segment;

    private static string[] SegmentsOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!StateKey.IsValid(key))
            throw new ArgumentException($"'{key}' is not a valid state key: use '/'-separated segments of letters, digits, '_', '-' and '.' (not '.' or '..'), as StateKey.Of builds them", nameof(key));
        return key.Split('/');
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale temporary file is harmless: List skips it.
        }
    }

    private static StateStoreUnavailableException Failure(string key, string path, string action, Exception ex) =>
        new(new Problem($"cannot {action} state key '{key}' at '{path}': {ex.Message}")) { IsAccessDenied = ex is UnauthorizedAccessException };
}

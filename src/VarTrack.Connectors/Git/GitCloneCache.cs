using LibGit2Sharp;
using VarTrack.Core.Errors;

namespace VarTrack.Connectors.Git;

/// <summary>
/// The folder of bare clones, one per clone URL, kept within a count and a size by removing the least recently used
/// clones that no call is using. A clone is created in a temporary folder and renamed into place, so a crash never
/// leaves a half-made clone under its real name; anything else broken found under a clone's name is re-created.
/// An evicted clone is first renamed aside (under the lock), then deleted, so a new clone of the same URL can start at
/// once. The cache folder belongs to one process at a time.
/// </summary>
internal sealed class GitCloneCache
{
    /// <summary>Inside each clone: its modification time is the clone's last use, read back when the cache is adopted.</summary>
    internal const string LastUsedFile = "vartrack-last-used";

    private const string TemporaryPrefix = ".tmp-";
    private const string TrashPrefix = ".trash-";

    private readonly object _sync = new();
    private readonly Dictionary<string, CachedClone> _clones = new(StringComparer.Ordinal);
    private readonly int _maxRepositories;
    private readonly long _maxBytes;

    public GitCloneCache(string directory, int maxRepositories, long maxBytes)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        _maxRepositories = Math.Max(1, maxRepositories);
        _maxBytes = Math.Max(1, maxBytes);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VarTrackException(new Problem($"git cache_directory '{Directory}' cannot be created: {ex.Message}"));
        }
        Adopt();
        Trim();
    }

    public string Directory { get; }

    /// <summary>Clones known to the cache (created or being created), for tests and diagnostics.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_sync) return [.. _clones.Keys];
        }
    }

    public long TotalBytes
    {
        get
        {
            lock (_sync) return _clones.Values.Sum(c => c.SizeBytes);
        }
    }

    /// <summary>
    /// Takes a lease on the clone named <paramref name="name"/>, creating its entry when new. While the clone is being
    /// compacted (which only starts on a clone nobody uses and takes seconds) the caller waits without holding a
    /// thread, and stops waiting when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<CloneLease> AcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            CachedClone clone;
            Task compactionEnded;
            lock (_sync)
            {
                if (!_clones.TryGetValue(name, out clone!))
                {
                    clone = new CachedClone(name, System.IO.Path.Combine(Directory, name), DateTime.UtcNow, 0);
                    _clones.Add(name, clone);
                }
                if (clone.CompactionEnded is { } ended)
                {
                    compactionEnded = ended.Task;
                }
                else
                {
                    clone.Users++;
                    clone.LastUsedUtc = DateTime.UtcNow;
                    compactionEnded = Task.CompletedTask;
                }
            }
            if (compactionEnded.IsCompleted)
            {
                Touch(clone);
                return new CloneLease(this, clone);
            }
            // Readers wait rather than see packs move; the clone is looked up again afterwards.
            await compactionEnded.WaitAsync(cancellationToken);
        }
    }

    internal void Release(CachedClone clone)
    {
        lock (_sync)
        {
            clone.Users--;
            clone.LastUsedUtc = DateTime.UtcNow;
            // A clone that was never created (the fetch failed before) is forgotten, so it does not count.
            if (clone.Users == 0 && !clone.Exists && _clones.TryGetValue(clone.Name, out var known) && ReferenceEquals(known, clone))
                _clones.Remove(clone.Name);
        }
    }

    /// <summary>Clones on disk that no call uses right now (candidates for compaction; the lease is taken by <see cref="TryBeginCompaction"/>).</summary>
    internal IReadOnlyList<CachedClone> IdleClones()
    {
        lock (_sync) return [.. _clones.Values.Where(c => c.Exists && c.Users == 0 && !c.Compacting)];
    }

    /// <summary>
    /// Holds <paramref name="clone"/> for compaction when no call uses it: it is counted as used (never evicted) and
    /// new users wait in <see cref="AcquireAsync"/> until <see cref="EndCompaction"/>. False when it is in use or gone.
    /// </summary>
    internal bool TryBeginCompaction(CachedClone clone)
    {
        lock (_sync)
        {
            if (!clone.Exists || clone.Users > 0 || clone.Compacting || !_clones.TryGetValue(clone.Name, out var known) || !ReferenceEquals(known, clone))
                return false;
            clone.Users++;
            clone.CompactionEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }

    internal void EndCompaction(CachedClone clone)
    {
        var size = SizeOf(clone.Path);
        TaskCompletionSource? ended;
        lock (_sync)
        {
            clone.SizeBytes = size;
            ended = clone.CompactionEnded;
            clone.CompactionEnded = null;
            clone.Users--;
        }
        // Outside the lock; waiters continue on the thread pool (RunContinuationsAsynchronously).
        ended?.TrySetResult();
    }

    /// <summary>Creates the bare clone when it is missing or broken. The caller holds the clone's fetch gate.</summary>
    public void EnsureCreated(CachedClone clone)
    {
        if (Repository.IsValid(clone.Path))
        {
            clone.Exists = true;
            return;
        }
        var temporary = System.IO.Path.Combine(Directory, $"{TemporaryPrefix}{clone.Name}-{Guid.NewGuid():N}");
        try
        {
            // Left by a crash or damaged by hand: not a repository libgit2 can open, so it is made again.
            if (System.IO.Directory.Exists(clone.Path)) DeleteTree(clone.Path);
            Repository.Init(temporary, isBare: true);
            File.WriteAllBytes(System.IO.Path.Combine(temporary, LastUsedFile), []);
            System.IO.Directory.Move(temporary, clone.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LibGit2SharpException)
        {
            TryDeleteTree(temporary);
            throw new VarTrackException(new Problem($"cannot create a clone in git cache_directory '{Directory}': {ex.Message}"));
        }
        lock (_sync) clone.Exists = true;
    }

    /// <summary>Records the clone's size on disk after a fetch.</summary>
    public void Measure(CachedClone clone)
    {
        var size = SizeOf(clone.Path);
        lock (_sync) clone.SizeBytes = size;
    }

    /// <summary>Removes least recently used clones not in use until the cache is within its count and size.</summary>
    public IReadOnlyList<string> Trim()
    {
        var evicted = new List<string>();
        var trash = new List<string>();
        lock (_sync)
        {
            while (_clones.Count > _maxRepositories || _clones.Values.Sum(c => c.SizeBytes) > _maxBytes)
            {
                var victim = _clones.Values.Where(c => c.Users == 0).MinBy(c => c.LastUsedUtc);
                if (victim is null) break;
                if (System.IO.Directory.Exists(victim.Path))
                {
                    var aside = System.IO.Path.Combine(Directory, $"{TrashPrefix}{victim.Name}-{Guid.NewGuid():N}");
                    try
                    {
                        System.IO.Directory.Move(victim.Path, aside);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        break; // Cannot move it now (a file held open elsewhere); the next trim tries again.
                    }
                    trash.Add(aside);
                }
                _clones.Remove(victim.Name);
                evicted.Add(victim.Name);
            }
        }
        foreach (var folder in trash) TryDeleteTree(folder);
        return evicted;
    }

    private void Adopt()
    {
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var name = System.IO.Path.GetFileName(folder);
            if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal) || name.StartsWith(TrashPrefix, StringComparison.Ordinal))
            {
                TryDeleteTree(folder); // A clone being made or removed when the last process stopped.
                continue;
            }
            if (!IsCloneName(name)) continue; // Not ours: left alone.
            if (!Repository.IsValid(folder))
            {
                TryDeleteTree(folder);
                continue;
            }
            var marker = System.IO.Path.Combine(folder, LastUsedFile);
            var lastUsed = File.Exists(marker) ? File.GetLastWriteTimeUtc(marker) : System.IO.Directory.GetLastWriteTimeUtc(folder);
            _clones[name] = new CachedClone(name, folder, lastUsed, SizeOf(folder)) { Exists = true };
        }
    }

    private static bool IsCloneName(string name) => name.Length == 32 && name.All(char.IsAsciiHexDigitLower);

    private static void Touch(CachedClone clone)
    {
        try
        {
            var marker = System.IO.Path.Combine(clone.Path, LastUsedFile);
            if (File.Exists(marker)) File.SetLastWriteTimeUtc(marker, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The in-memory order still holds; the file only matters after a restart.
        }
    }

    private static long SizeOf(string folder)
    {
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                try
                {
                    total += file.Length;
                }
                catch (FileNotFoundException)
                {
                    // Replaced while counting (a ref or pack being written).
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
        return total;
    }

    private static void DeleteTree(string folder)
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            // Git writes objects read-only; Windows refuses to delete those until the flag is cleared.
            foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
                File.SetAttributes(file, FileAttributes.Normal);
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static void TryDeleteTree(string folder)
    {
        try
        {
            if (System.IO.Directory.Exists(folder)) DeleteTree(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next start, which removes leftovers.
        }
    }
}

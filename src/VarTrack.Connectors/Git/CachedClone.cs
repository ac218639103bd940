namespace VarTrack.Connectors.Git;

/// <summary>
/// One bare clone in the cache. <see cref="FetchGate"/> serialises creating and fetching; <see cref="Users"/> counts
/// the calls using the clone right now (eviction skips a clone in use). Mutable fields are guarded by the cache's lock.
/// </summary>
internal sealed class CachedClone
{
    public CachedClone(string name, string path, DateTime lastUsedUtc, long sizeBytes)
    {
        Name = name;
        Path = path;
        LastUsedUtc = lastUsedUtc;
        SizeBytes = sizeBytes;
    }

    public string Name { get; }

    /// <summary>The bare repository folder.</summary>
    public string Path { get; }

    public SemaphoreSlim FetchGate { get; } = new(1, 1);

    public int Users { get; set; }

    public DateTime LastUsedUtc { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Whether the bare repository has been created on disk (false while the first fetch is still starting).</summary>
    public bool Exists { get; set; }

    /// <summary>While true, <c>git gc</c> runs on the clone and new users wait (it is only started when nobody uses it).</summary>
    public bool Compacting => CompactionEnded is not null;

    /// <summary>Set while the clone is compacted; completed when compaction ends, which is what waiting users await.</summary>
    public TaskCompletionSource? CompactionEnded { get; set; }
}

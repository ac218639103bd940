namespace VarTrack.Connectors.Git;

/// <summary>
/// A call's use of one clone: while held, the clone is not evicted. A fetch that outlives its caller (timed out while
/// libgit2 is still connecting) hands the lease to the fetch, which releases it when it really ends.
/// </summary>
internal sealed class CloneLease : IDisposable
{
    private readonly GitCloneCache _cache;
    private int _released;
    private bool _handedOff;

    public CloneLease(GitCloneCache cache, CachedClone clone)
    {
        _cache = cache;
        Clone = clone;
    }

    public CachedClone Clone { get; }

    public string Path => Clone.Path;

    /// <summary>Keeps the clone leased until <paramref name="work"/> ends, whatever the caller does meanwhile.</summary>
    public void HandOff(Task work)
    {
        _handedOff = true;
        _ = work.ContinueWith(_ => Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose()
    {
        if (!_handedOff) Release();
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) _cache.Release(Clone);
    }
}

namespace VarTrack.Core.Sync;

/// <summary>
/// One sync per destination at a time. In process for the self-hosted server and the CLI
/// (<see cref="InProcessDestinationLocks"/>); an Azure Blob lease where several instances may write (connectors).
/// </summary>
public interface IDestinationLocks
{
    /// <summary>Waits for the lock on <paramref name="key"/>; dispose the result to release it.</summary>
    Task<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken = default);
}

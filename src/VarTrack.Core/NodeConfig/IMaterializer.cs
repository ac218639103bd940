namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The application's part of node bootstrap: given the registration snapshot, say not ready, missing, or return the
/// files of every node plus the shared files. Must be deterministic for a given snapshot and <see cref="VersionAsync"/>,
/// because results are cached and persisted under that pair.
/// </summary>
public interface IMaterializer
{
    /// <summary>
    /// Changes whenever the same snapshot could materialize differently: the settings, a Git commit, a folder's
    /// files. Part of the cache and artifact keys, so an edited folder is not served stale.
    /// </summary>
    Task<string> VersionAsync(CancellationToken cancellationToken = default);

    Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default);
}

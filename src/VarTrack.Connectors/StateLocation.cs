using VarTrack.Connectors.AzureStorage;
using VarTrack.Connectors.LocalState;
using VarTrack.Core.State;

namespace VarTrack.Connectors;

/// <summary>
/// Where a server keeps its own state: a local folder (state documents under <c>state/</c>, the clone cache under
/// <c>git/</c>), or, with <see cref="BlobConnection"/>, state documents in Azure Blob storage (the clone cache stays local).
/// </summary>
public sealed record StateLocation(string Directory, string? BlobConnection = null)
{
    /// <summary>The state store at this location, as every host opens it (so <c>vt</c> reads the same documents a server writes).</summary>
    public IStateStore OpenStore() => BlobConnection is { } connection
        ? BlobStateStore.Create(connection)
        : new LocalFolderStateStore(Path.Combine(Directory, "state"));
}

namespace VarTrack.Connectors;

/// <summary>
/// Where a server keeps its own state: a local folder (state documents under <c>state/</c>, the clone cache under
/// <c>git/</c>), or, with <see cref="BlobConnection"/>, state documents in Azure Blob storage (the clone cache stays local).
/// </summary>
public sealed record StateLocation(string Directory, string? BlobConnection = null);

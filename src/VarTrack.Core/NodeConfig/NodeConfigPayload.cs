namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The 200 answer to <c>POST /api/nodes/config</c>: the node's own files first, then the shared ones.
/// <see cref="Snapshot"/> names the registration snapshot the files were made for (the same on every instance).
/// </summary>
public sealed record NodeConfigPayload(int SchemaVersion, string Identifier, string Snapshot, IReadOnlyList<NodeFile> Files);

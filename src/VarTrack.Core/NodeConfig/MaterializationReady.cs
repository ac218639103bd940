namespace VarTrack.Core.NodeConfig;

/// <summary>
/// The files for a snapshot: each node's own files by identifier, and the files every node gets. A registered node
/// without an entry in <see cref="NodeFiles"/> will never get config (404).
/// </summary>
public sealed record MaterializationReady(IReadOnlyDictionary<string, IReadOnlyList<NodeArtifact>> NodeFiles, IReadOnlyList<NodeArtifact> SharedFiles) : Materialization
{
    /// <summary>Why a registered node has no files, when the materializer knows (e.g. "not in identifiers").</summary>
    public IReadOnlyDictionary<string, string> MissingReasons { get; init; } = new Dictionary<string, string>();

    /// <summary>The hash of the snapshot the files were made for, when it is not the one asked (a fixed membership).</summary>
    public string? Snapshot { get; init; }

    // The file lists NodeArtifactCheck checked (its own read-only copies). Compared by reference, so a `with` that
    // replaces either list is no longer checked and is checked again.
    private (object Nodes, object Shared)? _checkedFiles;

    /// <summary>True for a result <see cref="NodeArtifactCheck.Checked"/> returned (or a copy of it with the same file lists).</summary>
    internal bool IsChecked => _checkedFiles is { } files && ReferenceEquals(files.Nodes, NodeFiles) && ReferenceEquals(files.Shared, SharedFiles);

    /// <summary>This result marked as checked; only for <see cref="NodeArtifactCheck"/>, after it checked these very lists.</summary>
    internal MaterializationReady MarkChecked()
    {
        var marked = this with { };
        marked._checkedFiles = (NodeFiles, SharedFiles);
        return marked;
    }

    /// <summary>The node's files then the shared ones, or null when the node has none.</summary>
    public IReadOnlyList<NodeArtifact>? FilesFor(string identifier) =>
        NodeFiles.TryGetValue(identifier, out var own) ? [.. own, .. SharedFiles] : null;
}

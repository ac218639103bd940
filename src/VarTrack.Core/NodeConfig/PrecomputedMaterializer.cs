namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Files prepared ahead: <c>nodes/&lt;identifier&gt;/**</c> of the source are that node's files (paths relative to
/// its folder), <c>shared/**</c> are every node's (paths keep the <c>shared/</c> prefix); anything else in the source
/// is ignored. Registration only gates identity and readiness (<see cref="NodeMembership"/>): a member without a
/// folder will never get config (404).
/// </summary>
public sealed class PrecomputedMaterializer(NodeMaterializerSettings settings, INodeFileSource source) : IMaterializer
{
    public const string NodesFolder = "nodes";
    public const string SharedFolder = "shared";

    public async Task<string> VersionAsync(CancellationToken cancellationToken = default) =>
        $"precomputed:{TemplateMaterializer.SettingsText(settings)}:{await source.VersionAsync(cancellationToken)}";

    public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var (members, notReady) = NodeMembership.Of(settings, snapshot);
        if (members is null) return new MaterializationNotReady(notReady!) { MissingReasons = NodeMembership.Strangers(settings, snapshot) };

        var shared = new List<NodeArtifact>();
        foreach (var path in await source.ListAsync(SharedFolder, cancellationToken))
            shared.Add(await ReadAsync(path, path, cancellationToken));

        var nodeFiles = new Dictionary<string, IReadOnlyList<NodeArtifact>>(StringComparer.Ordinal);
        var missing = NodeMembership.Strangers(settings, snapshot);
        foreach (var node in members)
        {
            var folder = $"{NodesFolder}/{node.Identifier}";
            var files = await source.ListAsync(folder, cancellationToken);
            if (files.Count == 0)
            {
                missing[node.Identifier] = $"the source has no files for node '{node.Identifier}' ({source.Describe(folder)}/ is empty or absent)";
                continue;
            }
            var artifacts = new List<NodeArtifact>();
            foreach (var path in files)
                artifacts.Add(await ReadAsync(path, path[(folder.Length + 1)..], cancellationToken));
            nodeFiles[node.Identifier] = artifacts;
        }
        return new MaterializationReady(nodeFiles, shared) { MissingReasons = missing };
    }

    private async Task<NodeArtifact> ReadAsync(string sourcePath, string payloadPath, CancellationToken cancellationToken)
    {
        // Listed a moment ago; gone now means the folder changed under us: the version changes too, so the next request retries.
        var content = await source.ReadAsync(sourcePath, cancellationToken)
            ?? throw new IOException($"{source.Describe(sourcePath)} disappeared while it was read");
        return new NodeArtifact(payloadPath, content) { Mode = settings.SecretFiles.Contains(payloadPath) ? NodeArtifact.SecretMode : null };
    }
}

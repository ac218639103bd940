using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Stores each ready result in the state store under <c>node-artifacts/&lt;deployment&gt;/&lt;key&gt;</c>
/// (<see cref="MaterializationKey"/>) with create-if-absent: the first instance to materialize a snapshot wins and
/// every instance, also after a restart, serves exactly those bytes. Stored files are checked against their SHA-256
/// when read back, so a damaged document is an error rather than a wrong file on a node. Documents hold file
/// contents (also secret ones): the state store is owner-only on disk, or a private Blob container.
/// </summary>
public sealed class PersistedMaterializer(IMaterializer inner, IStateStore state, string deployment) : IMaterializer
{
    public Task<string> VersionAsync(CancellationToken cancellationToken = default) => inner.VersionAsync(cancellationToken);

    public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var key = StateKey.Of("node-artifacts", deployment, MaterializationKey.Of(await inner.VersionAsync(cancellationToken), snapshot));
        if (await LoadAsync(key, cancellationToken) is { } stored) return stored;
        var result = await inner.MaterializeAsync(snapshot, cancellationToken);
        if (result is not MaterializationReady rendered) return result;
        var ready = NodeArtifactCheck.Checked(rendered); // never persist what would be refused
        var document = new StoredMaterialization(
            ready.NodeFiles.ToDictionary(e => e.Key, e => (IReadOnlyList<NodeFile>)e.Value.Select(NodeFile.From).ToList(), StringComparer.Ordinal),
            ready.SharedFiles.Select(NodeFile.From).ToList()) { Missing = ready.MissingReasons };
        if (await state.TryCreateAsync(key, StateJson.Serialize(document), cancellationToken)) return ready;
        // Another instance stored this snapshot first: serve its bytes, not ours.
        return await LoadAsync(key, cancellationToken) ?? ready;
    }

    private async Task<MaterializationReady?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var document = await StateJson.ReadAsync<StoredMaterialization>(state, key, cancellationToken);
        if (document is null) return null;
        return new MaterializationReady(
            document.Nodes.ToDictionary(e => e.Key, e => (IReadOnlyList<NodeArtifact>)e.Value.Select(f => Artifact(key, f)).ToList(), StringComparer.Ordinal),
            document.Shared.Select(f => Artifact(key, f)).ToList())
        {
            MissingReasons = document.Missing ?? new Dictionary<string, string>(),
        };
    }

    private static NodeArtifact Artifact(string key, NodeFile file)
    {
        byte[] content;
        try
        {
            content = file.Decode();
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException($"state document '{key}' is corrupt: file '{file.Path}': {ex.Message}");
        }
        if (NodeFile.HashOf(content) != file.Sha256)
            throw new InvalidDataException($"state document '{key}' is corrupt: the SHA-256 of file '{file.Path}' does not match");
        return new NodeArtifact(file.Path, content) { Mode = file.Mode };
    }
}

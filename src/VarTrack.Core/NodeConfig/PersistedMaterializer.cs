using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Stores each ready result in the state store under <c>node-artifacts/&lt;deployment&gt;/&lt;key&gt;</c>
/// (<see cref="MaterializationKey"/>) with create-if-absent: the first instance to materialize a snapshot wins and
/// every instance, also after a restart, serves exactly those bytes. Stored files are checked against their SHA-256
/// when read back, so a damaged document is an error rather than a wrong file on a node. Documents hold file
/// contents (also secret ones): the state store is owner-only on disk, or a private Blob container.
/// Each time this instance persists a new document it deletes the deployment's older ones beyond the newest
/// <c>keep</c> (by their recorded creation time; the one just persisted is never deleted). Nothing is deleted at any
/// other time, so payloads stay bounded without a timer. Deleting a payload another instance still serves from memory
/// is harmless: materializers are deterministic, and a snapshot asked again is materialized and persisted again.
/// </summary>
public sealed class PersistedMaterializer(IMaterializer inner, IStateStore state, string deployment, int keep = NodeSettings.DefaultKeepPayloads,
    TimeProvider? time = null, ILogger? logger = null) : IMaterializer
{
    private readonly int _keep = keep >= 1 ? keep : throw new ArgumentOutOfRangeException(nameof(keep), keep, "at least the payload just persisted is kept");
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

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
            ready.SharedFiles.Select(NodeFile.From).ToList()) { Missing = ready.MissingReasons, CreatedAt = _time.GetUtcNow() };
        if (await state.TryCreateAsync(key, StateJson.Serialize(document), cancellationToken))
        {
            await CleanUpAsync(key, cancellationToken);
            return ready;
        }
        // Another instance stored this snapshot first: serve its bytes, not ours.
        return await LoadAsync(key, cancellationToken) ?? ready;
    }

    /// <summary>
    /// Deletes all but the newest <c>keep</c> documents of the deployment, keeping <paramref name="current"/>
    /// whatever its time says. Best effort: a failure is logged and the payload is still served (the next new payload
    /// cleans up again). Documents without a creation time or unreadable ones count as the oldest.
    /// </summary>
    private async Task CleanUpAsync(string current, CancellationToken cancellationToken)
    {
        try
        {
            var keys = await state.ListAsync(StateKey.Of("node-artifacts", deployment), cancellationToken);
            if (keys.Count <= _keep) return;
            var others = new List<(string Key, DateTimeOffset CreatedAt)>();
            foreach (var key in keys.Where(k => k != current))
            {
                DateTimeOffset? createdAt;
                try
                {
                    var age = await StateJson.ReadAsync<StoredMaterializationAge>(state, key, cancellationToken);
                    if (age is null) continue; // deleted meanwhile (another instance cleaning up)
                    createdAt = age.CreatedAt;
                }
                catch (InvalidDataException)
                {
                    createdAt = null; // unreadable: it could never be served anyway
                }
                others.Add((key, createdAt ?? DateTimeOffset.MinValue));
            }
            var old = others.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Key, StringComparer.Ordinal).Skip(_keep - 1).ToList();
            foreach (var (key, _) in old)
                await state.DeleteAsync(key, cancellationToken);
            if (old.Count > 0)
                _logger.LogInformation("Deleted {Count} persisted node payloads of deployment {Deployment}, keeping the newest {Keep}", old.Count, deployment, _keep);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Could not clean up the persisted node payloads of deployment {Deployment}; the next new payload tries again", deployment);
        }
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

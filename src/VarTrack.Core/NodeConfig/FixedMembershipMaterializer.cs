using VarTrack.Core.State;

namespace VarTrack.Core.NodeConfig;

/// <summary>
/// Fixes the membership of a <c>min_nodes</c> deployment the first time it is ready: the registrations of that moment
/// are stored with create-if-absent (<see cref="FixedMembership"/>), so every instance agrees on one list, and from
/// then on every snapshot is materialized as that list. Without this a node registering after the first fetch would
/// see a longer peer list than the nodes before it and split the cluster. A node outside the fixed list will never
/// get config from this deployment (404). Deployments with <c>identifiers</c> (fixed by the settings) or neither
/// setting (no peer list) pass through.
/// </summary>
public sealed class FixedMembershipMaterializer(IMaterializer inner, NodeMaterializerSettings settings, IStateStore state, string deployment, TimeProvider time) : IMaterializer
{
    public Task<string> VersionAsync(CancellationToken cancellationToken = default) => inner.VersionAsync(cancellationToken);

    public string Key => StateKey.Of("nodes", deployment, "membership");

    public async Task<Materialization> MaterializeAsync(NodeSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        if (settings.MinNodes is null || settings.Identifiers is not null) return await inner.MaterializeAsync(snapshot, cancellationToken);
        var fixedMembership = await StateJson.ReadAsync<FixedMembership>(state, Key, cancellationToken);
        if (fixedMembership is null)
        {
            // Readiness is decided here, before anything is materialized or persisted, so only the winning list is.
            if (NodeMembership.Of(settings, snapshot).Members is null) return await inner.MaterializeAsync(snapshot, cancellationToken);
            var candidate = new FixedMembership(time.GetUtcNow(), snapshot.Nodes);
            fixedMembership = await state.TryCreateAsync(Key, StateJson.Serialize(candidate), cancellationToken)
                ? candidate
                : await StateJson.ReadAsync<FixedMembership>(state, Key, cancellationToken) ?? candidate;
        }
        var members = new NodeSnapshot(fixedMembership.Nodes);
        var result = await inner.MaterializeAsync(members, cancellationToken);
        if (result is not MaterializationReady ready) return result;
        var missing = new Dictionary<string, string>(ready.MissingReasons, StringComparer.Ordinal);
        foreach (var node in snapshot.Nodes.Where(n => members.Find(n.Identifier) is null))
            missing[node.Identifier] = Outside(node.Identifier, fixedMembership);
        return ready with { MissingReasons = missing, Snapshot = members.Hash };
    }

    /// <summary>Why a node outside the fixed list gets nothing (also for nodes that have not registered yet).</summary>
    public static string Outside(string identifier, FixedMembership membership) =>
        $"node '{identifier}' is not a member: the membership of this deployment was fixed at {membership.FixedAt:yyyy-MM-ddTHH:mm:ssK} with {membership.Nodes.Count} nodes (start a new membership with a new 'deployment' name)";
}

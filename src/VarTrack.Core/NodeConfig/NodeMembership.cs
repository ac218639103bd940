namespace VarTrack.Core.NodeConfig;

/// <summary>
/// When a deployment is ready, shared by the built-in materializers: all of <c>identifiers</c> registered (and only
/// they are members), or at least <c>min_nodes</c> registered (all are members), or, with neither, at once.
/// </summary>
public static class NodeMembership
{
    /// <summary>The members in template order, or the reason the deployment is not ready yet.</summary>
    public static (IReadOnlyList<NodeRegistration>? Members, string? NotReady) Of(NodeMaterializerSettings settings, NodeSnapshot snapshot)
    {
        if (settings.Identifiers is { } identifiers)
        {
            var waiting = identifiers.Where(id => snapshot.Find(id) is null).ToList();
            if (waiting.Count > 0)
                return (null, $"{identifiers.Count - waiting.Count} of {identifiers.Count} expected nodes registered; waiting for {Names(waiting)}");
            return (identifiers.Select(id => snapshot.Find(id)!).ToList(), null);
        }
        if (settings.MinNodes is { } minimum && snapshot.Nodes.Count < minimum)
            return (null, $"{snapshot.Nodes.Count} of at least {minimum} nodes registered; waiting for {minimum - snapshot.Nodes.Count} more");
        return (snapshot.Nodes, null);
    }

    /// <summary>Registered nodes that are not in <c>identifiers</c>: they will never get config, ready or not.</summary>
    public static Dictionary<string, string> Strangers(NodeMaterializerSettings settings, NodeSnapshot snapshot) =>
        settings.Identifiers is not { } identifiers
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : snapshot.Nodes.Where(n => !identifiers.Contains(n.Identifier)).ToDictionary(n => n.Identifier, n => $"node '{n.Identifier}' is not one of the expected identifiers", StringComparer.Ordinal);

    private static string Names(IReadOnlyList<string> identifiers) =>
        identifiers.Count <= 5 ? string.Join(", ", identifiers) : string.Join(", ", identifiers.Take(5)) + $" and {identifiers.Count - 5} more";
}

namespace VarTrack.Core.NodeConfig;

/// <summary>Who presented a valid token: any node (the bootstrap token) or exactly one node (its per-node token).</summary>
public sealed record NodeCaller(string? Identifier)
{
    public static readonly NodeCaller AnyNode = new((string?)null);

    /// <summary>False when a per-node token is used for another node's identifier.</summary>
    public bool MayActAs(string identifier) => Identifier is null || Identifier == identifier;
}

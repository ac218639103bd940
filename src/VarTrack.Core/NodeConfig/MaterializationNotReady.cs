namespace VarTrack.Core.NodeConfig;

/// <summary>Not yet (e.g. 1 of 3 nodes registered): nodes poll again (425 with Retry-After).</summary>
public sealed record MaterializationNotReady(string Reason) : Materialization
{
    /// <summary>Registered nodes that will never get config even once the rest is ready (404 now, not 425).</summary>
    public IReadOnlyDictionary<string, string> MissingReasons { get; init; } = new Dictionary<string, string>();
}

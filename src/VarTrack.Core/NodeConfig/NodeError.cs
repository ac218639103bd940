namespace VarTrack.Core.NodeConfig;

/// <summary>Every error body of the node routes: <c>{error, message}</c>, plus the correlation id of a 500 (also in the log).</summary>
public sealed record NodeError(string Error, string Message)
{
    public string? CorrelationId { get; init; }
}
